import { describe, expect, it } from 'vitest';
import { nextPollAfterSeconds } from './poll-hint.js';

describe('nextPollAfterSeconds', () => {
  it('is null once the task ended', () => {
    for (const status of ['completed', 'failed', 'cancelled']) expect(nextPollAfterSeconds({ status })).toBeNull();
  });

  it('waits about half the remaining render, 2..30 s, longer behind a queue', () => {
    expect(nextPollAfterSeconds({ status: 'processing', estimated_time: 10, actual_time: 2 })).toBe(4);
    expect(nextPollAfterSeconds({ status: 'processing', estimated_time: 10, actual_time: 30 })).toBe(2);
    expect(nextPollAfterSeconds({ status: 'processing', estimated_time: 600, actual_time: 0 })).toBe(30);
    expect(nextPollAfterSeconds({ status: 'pending', estimated_time: 8, queue_position: 0 })).toBe(4);
    expect(nextPollAfterSeconds({ status: 'pending', estimated_time: 8, queue_position: 5 })).toBe(14);
  });

  it('keeps polling a status it does not know, with defaults for missing numbers', () => {
    expect(nextPollAfterSeconds({ status: 'queued_upstream' })).toBe(5);
    expect(nextPollAfterSeconds({})).toBe(5);
  });
});
