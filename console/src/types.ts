/** The API's answers, typed from the very schemas the server validates its own answers with. */
import type { z } from 'zod';
import type { modelListSchema, serverInfoReplySchema } from '../../src/http/openapi/console-schemas.js';
import type {
  createdKeySchema,
  fileSchema,
  keySchema,
  ownKeySchema,
  taskSchema,
  usageSchema,
  webhookDeliverySchema,
} from '../../src/present/response-schemas.js';

export type Task = z.output<typeof taskSchema>;
export type Usage = z.output<typeof usageSchema>;
export type LedgerEntry = Usage['entries'][number];
export type Key = z.output<typeof keySchema>;
export type OwnKey = z.output<typeof ownKeySchema>;
export type CreatedKey = z.output<typeof createdKeySchema>;
export type UploadedFile = z.output<typeof fileSchema>;
export type WebhookDelivery = z.output<typeof webhookDeliverySchema>;
export type Model = z.output<typeof modelListSchema>['data'][number];
export type ServerInfo = z.output<typeof serverInfoReplySchema>['data'];

export interface Ok<T> {
  code: 200;
  data: T;
}
export interface TaskPage {
  code: 200;
  data: Task[];
  has_more: boolean;
  next_cursor: string | null;
}
