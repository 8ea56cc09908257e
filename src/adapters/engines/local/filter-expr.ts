/** Small shared pieces of ffmpeg filter text. Pure. */
import type { FrameSize } from '../../../domain/output-size.js';

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

/**
 * Cover fit: scale so both sides cover the frame, then centre-crop. The scale is computed from the
 * decoded frame (iw/ih), not the probe, so a rotated clip still keeps its aspect; ceil() because
 * force_original_aspect_ratio can round a side one pixel short of the crop.
 */
export function coverFit(out: FrameSize): string {
  const factor = `max(${out.width}/iw,${out.height}/ih)`;
  return `scale=w='ceil(iw*${factor})':h='ceil(ih*${factor})':flags=bicubic,crop=${out.width}:${out.height},setsar=1,format=yuv420p`;
}

/**
 * zoompan: zoom factor and pan (0..1 of the free margin) as expressions of the output frame index
 * `on`; each input frame yields framesPerInput output frames (all of them for a still image).
 */
export function zoom(size: FrameSize, framesPerInput: number, zoomExpr: string, panExpr: { x: string; y: string }): string {
  return (
    `zoompan=z='${zoomExpr}':x='(iw-iw/zoom)*(${panExpr.x})':y='(ih-ih/zoom)*(${panExpr.y})'` +
    `:d=${framesPerInput}:s=${size.width}x${size.height}:fps=${outputFps}`
  );
}

/** A frame-exact alpha fade-in that is complete by lastIndex (so the last frame is fully the layer). */
export function fadeIn(startFrame: number, frames: number, lastIndex: number): string {
  const start = Math.max(0, Math.min(startFrame, lastIndex - 1));
  const length = Math.max(1, Math.min(frames, lastIndex - start));
  return `format=yuva420p,fade=t=in:s=${start}:n=${length}:alpha=1`;
}
