/** Small shared pieces of ffmpeg filter text. Pure. */

export const outputFps = 30;

/** Fixed-point numbers: no exponent notation in expressions, same text on every platform. */
export function num(n: number): string {
  return n.toFixed(6).replace(/\.?0+$/, '');
}

export const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);

/**
 * Time base 1/30 with pts = frame index: exact CFR labels, whatever time base the source had (1/1,
 * 1/25 ...). The fps filter then passes every frame through unchanged but also sets the stream's frame
 * rate, which ffmpeg (not the timestamps) uses for the encoder's time base.
 */
export const cfrTimestamps = `settb=1/${outputFps},setpts=N,fps=${outputFps}`;

/** A still image held for `frames` frames at 30 fps. */
export function hold(frames: number): string {
  return `loop=loop=${frames - 1}:size=1:start=0,${cfrTimestamps}`;
}
