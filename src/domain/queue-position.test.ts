import { describe, expect, it } from 'vitest';
import { queuePositionOf, toPendingSnapshot } from './queue-position.js';

describe('queue position under fair scheduling', () => {
  const snapshot = toPendingSnapshot([
    ...['a1', 'a2', 'a3', 'a4', 'a5'].map((id) => ({ id, keyId: 'A' })),
    { id: 'b1', keyId: 'B' },
  ]);

  it("puts another key's single task behind at most one task of a long queue", () => {
    expect(queuePositionOf(snapshot, 'B', 'b1')).toBe(1);
  });

  it("counts a key's own older tasks and one task per turn from every other key", () => {
    expect(queuePositionOf(snapshot, 'A', 'a1')).toBe(1);
    expect(queuePositionOf(snapshot, 'A', 'a3')).toBe(3);
  });

  it('is 0 for the next task when no other key waits', () => {
    expect(queuePositionOf(toPendingSnapshot([{ id: 'x1', keyId: 'X' }]), 'X', 'x1')).toBe(0);
  });
});
