import { z } from 'zod';

/**
 * An Idempotency-Key, as the seed platform defines it: 1..191 visible ASCII characters (0x21..0x7E),
 * so no spaces, control or non-ASCII characters.
 */
export const idempotencyKeySchema = z
  .string()
  .min(1)
  .max(191)
  .regex(/^[\x21-\x7E]+$/);
