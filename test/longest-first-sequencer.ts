import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Longest file first, across projects: a two-minute file that starts last decides the wall time, however
 * short the rest. vitest's own order runs projects one after another and, on a fresh clone with no result
 * cache, knows no durations. Expected durations come from this run's result cache when it has the file,
 * else from `test/file-durations.json` (refresh it with `npm run test:durations` after a full run), else
 * from the file's size. `sequence.groupOrder` still comes first, so the `alone` project runs last.
 */
export default class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const recorded = readRecordedDurations(this.ctx.config.root);
    const expectedMs = (spec: TestSpecification): number => {
      const key = `${spec.project.name}:${path.relative(this.ctx.config.root, spec.moduleId)}`;
      const cached = this.ctx.cache.getFileTestResults(key);
      if (cached && !cached.failed) return cached.duration;
      const known = recorded[key];
      if (known !== undefined) return known * 1000;
      // Unknown files: a size-based guess (about 1 ms per byte of test code) places them among peers.
      return this.ctx.cache.getFileStats(key)?.size ?? 0;
    };
    const withCost = files.map((spec) => ({ spec, costMs: expectedMs(spec) }));
    withCost.sort(
      (a, b) => a.spec.project.config.sequence.groupOrder - b.spec.project.config.sequence.groupOrder || b.costMs - a.costMs,
    );
    return withCost.map((w) => w.spec);
  }
}

function readRecordedDurations(root: string): Record<string, number> {
  try {
    return JSON.parse(readFileSync(path.join(root, 'test/file-durations.json'), 'utf8')) as Record<string, number>;
  } catch {
    return {};
  }
}
