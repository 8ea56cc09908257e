export { Wangate } from './wangate.js';
export type { ClientOptions } from './http-client.js';
export { TaskList } from './tasks.js';
export type { DownloadOptions, SaveOptions, SavedContent } from './task-content.js';
export type { UploadOptions } from './files.js';
export { verifyWebhook, type VerifyWebhookOptions } from './webhooks.js';
export { isTerminal } from './types.js';
export type {
  CreatedKey,
  CreateKeyParams,
  CreditParams,
  ErrorEnvelope,
  FileObject,
  GenerateParams,
  Key,
  MediaInput,
  OwnKey,
  RequestOptions,
  SubmittedTask,
  Task,
  TaskEvent,
  TaskListPage,
  TaskListParams,
  TaskMode,
  TaskStatus,
  UpdateKeyParams,
  Uploadable,
  Usage,
  UsageListParams,
  WaitOptions,
  WebhookDelivery,
  WebhookEvent,
} from './types.js';
export * from './errors.js';
export type { components, operations, paths } from './openapi-types.js';
