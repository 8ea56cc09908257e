import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const testDatabaseUrl = process.env.WANGATE_TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

export interface TestSchema {
  name: string;
  /** DATABASE_URL whose connections resolve tables in this schema only. */
  url: string;
  drop(): Promise<void>;
}

/** Runs one statement on the test database as the administrator; returns its rows. */
export async function queryTestDatabase(sql: string, values: unknown[] = []): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: testDatabaseUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return (await client.query(sql, values)).rows;
  } finally {
    await client.end();
  }
}

const admin = (sql: string) => queryTestDatabase(sql).then(() => undefined);

/** A fresh, empty schema on the test database (servers of one test share it; tests never meet). */
export async function createTestSchema(): Promise<TestSchema> {
  const name = `wangate_test_${randomBytes(6).toString('hex')}`;
  await admin(`CREATE SCHEMA ${name}`);
  const url = new URL(testDatabaseUrl);
  url.searchParams.set('options', `-c search_path=${name}`);
  return { name, url: url.toString(), drop: () => admin(`DROP SCHEMA IF EXISTS ${name} CASCADE`) };
}
