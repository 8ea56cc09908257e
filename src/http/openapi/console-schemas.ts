import { z } from 'zod';
import { keySchema } from '../../present/response-schemas.js';

/** Schemas of the routes the web console relies on besides the API proper: sign-in, models, server summary. */

const unixTime = z.int().min(0).describe('Unix seconds.');

export const loginSchema = z.strictObject({
  key: z.string().min(1).max(500).describe('An API key (`wg_…`). Accepted only here, in the body (never in a URL).'),
});

export const sessionReplySchema = z.strictObject({
  code: z.literal(200),
  data: z.strictObject({ expires_at: unixTime.describe('When the session ends at the latest.'), key: keySchema }),
});

export const logoutReplySchema = z.strictObject({
  code: z.literal(200),
  data: z.strictObject({ ended: z.boolean().describe('false when there was no live session.') }),
});

const priceSchema = z.strictObject({
  amount: z.string().describe('Exact decimal in major units, e.g. `"0.10"`.'),
  amount_minor: z.int().describe('Integer minor units (see `minor_per_major`).'),
});

/** The model list lives with the other discovery schemas; re-exported for the console's types. */
export { modelListSchema, modelSchema } from '../../present/model-schemas.js';

export const serverInfoReplySchema = z.strictObject({
  code: z.literal(200),
  data: z
    .strictObject({
      version: z.string(),
      engine: z.strictObject({ id: z.string(), description: z.string() }).describe('The engine new tasks run on.'),
      engines: z.array(z.string()).describe('Every engine this process serves (older tasks keep theirs).'),
      base_url: z.string(),
      billing: z.boolean(),
      currency: z.string(),
      price_per_second: z.record(z.string(), priceSchema),
      result_url_ttl_seconds: z.int(),
      retention_hours: z.strictObject({ results: z.number(), uploads: z.number() }),
      worker_lease_seconds: z.number(),
      webhooks: z.strictObject({ retry_delays_seconds: z.array(z.number()), timeout_ms: z.int() }),
      console_session_hours: z.number(),
    })
    .describe('What this server runs with; never a secret.'),
});
