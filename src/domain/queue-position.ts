/** Pending task ids per key, each list in claim order (oldest first). */
export type PendingSnapshot = Map<string, string[]>;

export function toPendingSnapshot(rows: { id: string; keyId: string }[]): PendingSnapshot {
  const snapshot: PendingSnapshot = new Map();
  for (const r of rows) {
    const list = snapshot.get(r.keyId);
    if (list) list.push(r.id);
    else snapshot.set(r.keyId, [r.id]);
  }
  return snapshot;
}

function countBefore(sorted: string[], id: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * How many pending tasks will be claimed before this one under fair scheduling: keys are served in
 * turn, so ahead are this key's older tasks plus, from every other key, at most one task per turn
 * this task has to wait.
 */
export function queuePositionOf(snapshot: PendingSnapshot, keyId: string, taskId: string): number {
  const ownAhead = countBefore(snapshot.get(keyId) ?? [], taskId);
  let position = ownAhead;
  for (const [otherKey, ids] of snapshot) if (otherKey !== keyId) position += Math.min(ids.length, ownAhead + 1);
  return position;
}
