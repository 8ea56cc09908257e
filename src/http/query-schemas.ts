import { z } from 'zod';
import { toValidationError } from '../domain/request.js';

/** Unix seconds in a query string (from/to of a date range). */
export const unixSeconds = z.coerce.number().int().min(0).max(1e11);

/** Validates query or body input for routes other than create; 400 naming the field on failure. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const parsed = schema.safeParse(input ?? {});
  if (!parsed.success) throw toValidationError(parsed.error);
  return parsed.data;
}

export const usageQuerySchema = z.strictObject({
  from: unixSeconds.optional(),
  to: unixSeconds.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  after: z.string().max(64).optional(),
  key_id: z.string().max(64).optional(),
});
