import { describe, expect, it } from 'vitest';
import { clipEcho, maxEchoChars } from './clip-echo.js';

describe('clipEcho', () => {
  it('keeps text up to the limit unchanged', () => {
    expect(clipEcho('field')).toBe('field');
    expect(clipEcho('a'.repeat(maxEchoChars))).toBe('a'.repeat(maxEchoChars));
  });

  it('cuts longer text to the limit, ending in an ellipsis', () => {
    const clipped = clipEcho('b'.repeat(10_000));
    expect(clipped).toHaveLength(maxEchoChars);
    expect(clipped.endsWith('…')).toBe(true);
  });

  it('never splits a surrogate pair', () => {
    const clipped = clipEcho('😀'.repeat(100));
    expect(clipped.endsWith('😀…')).toBe(true);
    expect(clipped.length).toBeLessThanOrEqual(maxEchoChars);
  });
});
