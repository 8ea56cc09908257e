/**
 * When an agent should look at a task again (`next_poll_after_seconds`): soon for a short render,
 * later for a long one or a long queue, never more often than every 2 s nor less than every 30 s.
 * null once the task has ended.
 */
export function nextPollAfterSeconds(task: { status?: unknown; estimated_time?: unknown; actual_time?: unknown; queue_position?: unknown }): number | null {
  const num = (v: unknown, fallback: number) => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);
  const clamp = (s: number) => Math.min(30, Math.max(2, Math.ceil(s)));
  switch (task.status) {
    case 'completed':
    case 'failed':
    case 'cancelled':
      return null;
    case 'pending':
      return clamp(num(task.estimated_time, 10) / 2 + 2 * num(task.queue_position, 0));
    default:
      // processing, or a status this client does not know (keep polling).
      return clamp((num(task.estimated_time, 10) - num(task.actual_time, 0)) / 2);
  }
}
