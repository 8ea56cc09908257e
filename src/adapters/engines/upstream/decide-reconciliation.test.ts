import { describe, expect, it } from 'vitest';
import { decideReconciliation, type Candidate } from './decide-reconciliation.js';

const c = (taskId: string, status: Candidate['status'], prompt?: string): Candidate => ({ taskId, status, prompt });

describe('decideReconciliation', () => {
  it('nothing listed (or only ended tasks, or other prompts): the create was not accepted, so a new one is safe', () => {
    expect(decideReconciliation('cat', [], [])).toEqual({ kind: 'not_created' });
    expect(decideReconciliation('cat', [c('x', 'FAILED'), c('y', 'CANCELED')], [])).toEqual({ kind: 'not_created' });
    expect(decideReconciliation('cat', [c('x', 'SUCCEEDED', 'dog')], [{ taskId: 'o', prompt: 'dog' }])).toEqual({ kind: 'not_created' });
  });

  it('adopts the single candidate when no other create of ours is unresolved', () => {
    expect(decideReconciliation('cat', [c('x', 'PENDING')], [])).toEqual({ kind: 'adopt', upstreamTaskId: 'x' });
  });

  it('adopts an exact prompt match even with rivals of other prompts', () => {
    const v = decideReconciliation('cat', [c('x', 'SUCCEEDED', 'cat'), c('y', 'RUNNING')], [{ taskId: 'o', prompt: 'dog' }]);
    expect(v).toEqual({ kind: 'adopt', upstreamTaskId: 'x' });
  });

  it('waits when a running candidate could belong to a rival, or a rival has the same prompt', () => {
    expect(decideReconciliation('cat', [c('x', 'RUNNING')], [{ taskId: 'o', prompt: 'dog' }]).kind).toBe('undecided');
    expect(decideReconciliation('cat', [c('x', 'PENDING'), c('y', 'RUNNING')], []).kind).toBe('undecided');
    expect(decideReconciliation('cat', [c('x', 'SUCCEEDED', 'cat')], [{ taskId: 'o', prompt: 'cat' }]).kind).toBe('undecided');
    expect(decideReconciliation('cat', [c('x', 'SUCCEEDED', 'cat'), c('y', 'SUCCEEDED', 'cat')], []).kind).toBe('undecided');
  });

  it('treats no prompt (image-to-video) as the empty prompt', () => {
    expect(decideReconciliation('', [c('x', 'SUCCEEDED', ''), c('y', 'SUCCEEDED', 'cat')], [{ taskId: 'o', prompt: 'cat' }])).toEqual({ kind: 'adopt', upstreamTaskId: 'x' });
  });
});
