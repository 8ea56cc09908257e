import type { z } from 'zod';
import { parseOptions, toValidationError } from '../domain/request.js';

/**
 * Validates query or body input for routes other than create; 400 naming the field on failure.
 * The schemas are the route catalogue's (openapi/api-catalogue.ts), which the OpenAPI document shows.
 */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const parsed = schema.safeParse(input ?? {}, parseOptions);
  if (!parsed.success) throw toValidationError(parsed.error);
  return parsed.data;
}
