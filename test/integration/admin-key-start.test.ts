/** WANGATE_ADMIN_KEY on several processes of one deployment that start at the same moment. */
import { afterEach, expect, it } from 'vitest';
import { openPostgresStore } from '../../src/adapters/store-postgres/postgres-store.js';
import { ensureAdminKey, hashSecret } from '../../src/app/api-keys.js';
import type { Clock } from '../../src/domain/ports.js';
import { createTestSchema, type TestSchema } from '../helpers/pg-schema.js';

const clock: Clock = { nowMs: () => Date.now() };
let schema: TestSchema | undefined;
afterEach(async () => {
  await schema?.drop();
  schema = undefined;
});

it('processes starting together with one configured admin key all start, and the key is stored once', async () => {
  schema = await createTestSchema();
  const stores = await Promise.all([openPostgresStore(schema.url), openPostgresStore(schema.url), openPostgresStore(schema.url)]);
  try {
    const secret = 'wg_configured_admin_key_started_together';
    // Each looks the key up before any of them stores it: all but one lose the insert race.
    await Promise.all(stores.map((s) => ensureAdminKey({ keys: s.keys, clock }, secret)));
    const admins = (await stores[0]!.keys.listKeys()).filter((k) => k.scopes.includes('admin'));
    expect(admins).toHaveLength(1);
    expect(await stores[1]!.keys.findKeyByHash(hashSecret(secret))).toMatchObject({ id: admins[0]!.id });
  } finally {
    await Promise.all(stores.map((s) => s.close()));
  }
});
