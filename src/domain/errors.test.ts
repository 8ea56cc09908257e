/**
 * The reason catalogue stays in step with the code (after fastify's lib/errors.js and its sync test).
 * The types already refuse an uncatalogued reason wherever one is produced through AppError,
 * invalidField or an engine's failure step; this test reads the sources for the rest: every reason
 * literal is catalogued, and every catalogued reason is produced somewhere.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AppError, errorCodes, invalidField, isRetryable, reasonCatalogue, reasons, toCataloguedReason, type ErrorCode } from './errors.js';

const srcDir = fileURLToPath(new URL('..', import.meta.url));

/** The product's sources: not tests, not the DashScope simulator (it speaks DashScope's codes), not the catalogue. */
function productSources(): { file: string; text: string }[] {
  const out: { file: string; text: string }[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      const rel = path.relative(srcDir, full).split(path.sep).join('/');
      if (entry.isDirectory()) {
        if (rel !== 'dev') walk(full);
      } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && rel !== 'domain/errors.ts') {
        out.push({ file: rel, text: readFileSync(full, 'utf8') });
      }
    }
  };
  walk(srcDir);
  return out;
}

const sources = productSources();
const codes = new Set<string>(Object.keys(errorCodes));
const quoted = (name: string) => new RegExp(`['"\`]${name}['"\`]`);

describe('the reason catalogue', () => {
  it('is read from the sources it checks', () => {
    expect(sources.some((s) => s.file === 'app/run-task-step.ts')).toBe(true);
    expect(sources.length).toBeGreaterThan(100);
  });

  it('lists every reason literal the sources give as a reason', () => {
    const uncatalogued: string[] = [];
    // `reason: 'x'` in any object (AppError options, failure steps, upstream classifications).
    const pattern = /\breason:\s*['"]([a-z0-9_]+)['"]/g;
    for (const { file, text } of sources) {
      for (const m of text.matchAll(pattern)) if (!Object.hasOwn(reasonCatalogue, m[1]!)) uncatalogued.push(`${file}: ${m[1]}`);
    }
    expect(uncatalogued).toEqual([]);
  });

  it('has no reason the sources never produce', () => {
    const unproduced = reasons.filter((r) => {
      // A reason spelled like a code must appear as a reason, not merely as the code.
      const produced = codes.has(r) ? new RegExp(`reason[^'"\`]*['"\`]${r}['"\`]`) : quoted(r);
      return !sources.some(({ text }) => produced.test(text));
    });
    expect(unproduced).toEqual([]);
  });

  it('gives every error code at least one reason', () => {
    const used = new Set(Object.values(reasonCatalogue).flatMap((s) => s.codes));
    expect([...codes].filter((c) => !used.has(c as ErrorCode))).toEqual([]);
  });

  it('calls every bad-input reason permanent: the worker never retries a task for bad input', () => {
    const retried = reasons.filter((r) => (reasonCatalogue[r].codes as readonly string[]).some((c) => c === 'invalid_request' || c === 'mixed_media_not_allowed') && isRetryable(r));
    expect(retried).toEqual([]);
  });

  it('names reasons in snake_case with a one-sentence meaning', () => {
    for (const r of reasons) {
      expect(r).toMatch(/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/);
      expect(reasonCatalogue[r].meaning).toMatch(/^[A-Z`].*\.$/);
      expect(reasonCatalogue[r].meaning).not.toContain('\n');
    }
  });
});

describe('reasons at run time', () => {
  it('keeps a reason from elsewhere only when catalogued with the given code', () => {
    expect(toCataloguedReason('unsupported_format', 'invalid_request', 'upstream_invalid_request')).toBe('unsupported_format');
    expect(toCataloguedReason('task_not_found', 'invalid_request', 'upstream_invalid_request')).toBe('upstream_invalid_request');
    expect(toCataloguedReason('400', 'invalid_request', 'upstream_invalid_request')).toBe('upstream_invalid_request');
    expect(toCataloguedReason(undefined, 'invalid_request', 'invalid_value')).toBe('invalid_value');
    expect(toCataloguedReason('__proto__', 'invalid_request', 'invalid_value')).toBe('invalid_value');
  });

  it('tells retryable reasons from permanent and unknown ones', () => {
    expect(isRetryable('upstream_error')).toBe(true);
    expect(isRetryable('fetch_failed')).toBe(false);
    expect(isRetryable('not_a_reason')).toBe(false);
  });

  it('builds errors that carry their code, reason and field', () => {
    const e = invalidField('duration', 'out_of_range', 'duration: 2..15');
    expect(e).toBeInstanceOf(AppError);
    expect(e).toBeInstanceOf(Error);
    expect(e).toMatchObject({ name: 'AppError', code: 'invalid_request', reason: 'out_of_range', param: 'duration', message: 'duration: 2..15' });
    expect(new AppError('not_found', 'x', { reason: 'task_not_found' }).reason).toBe('task_not_found');
  });
});
