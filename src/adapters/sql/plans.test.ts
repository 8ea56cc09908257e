import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { postgresDialect, sqliteDialect } from './dialect.js';
import { renderPlans } from './plans.js';
import type { Statement } from './steps.js';

/** Every rendered statement among the plans (lists included; the per-query renderers are left out). */
function statementsOf(plans: object): [string, Statement][] {
  return Object.entries(plans).flatMap(([name, value]): [string, Statement][] => {
    if (Array.isArray(value)) return value.map((v, i) => [`${name}[${i}]`, v as Statement]);
    return value !== null && typeof value === 'object' && 'text' in value ? [[name, value as Statement]] : [];
  });
}

describe('store plans', () => {
  it('every SQLite statement prepares against the migrated schema', () => {
    const db = new Database(':memory:');
    const plans = renderPlans(sqliteDialect);
    db.exec(plans.migrationsTable.text);
    for (const m of plans.migrations) db.exec(m.text);
    const statements = statementsOf(plans).filter(([name]) => name !== 'migrationsTable' && !name.startsWith('migrations['));
    expect(statements.length).toBeGreaterThan(40);
    for (const [name, stmt] of statements) expect(() => db.prepare(stmt.text), name).not.toThrow();
    for (const q of [{ limit: 1 }, { keyId: 'k', statuses: ['pending' as const], createdFromMs: 1, createdToMs: 2, beforeId: 't', limit: 1 }]) {
      expect(() => db.prepare(plans.listTasks(q).stmt.text)).not.toThrow();
    }
    db.close();
  });

  it('renders each filter combination once and reuses it', () => {
    const plans = renderPlans(sqliteDialect);
    const a = plans.listLedger({ keyId: 'k1', limit: 5 });
    const b = plans.listLedger({ keyId: 'k2', limit: 9 });
    expect(a.stmt).toBe(b.stmt);
    expect(b.params).toEqual(['k2', 9]);
    expect(plans.listLedger({ limit: 5 }).stmt).not.toBe(a.stmt);
  });

  it('lock-only statements exist on PostgreSQL and are left out on SQLite', () => {
    const [sqlite, pg] = [renderPlans(sqliteDialect), renderPlans(postgresDialect)];
    for (const name of ['lockKey', 'lockChannel', 'channelSavepoint', 'channelLetGo'] as const) {
      expect(sqlite[name]).toBeNull();
      expect(pg[name]).not.toBeNull();
    }
  });
});
