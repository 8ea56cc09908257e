/**
 * References shown in a preview as labelled tiles ("Image 1", "Video 2"): fitted into a box with their
 * aspect kept, framed in white, exactly `frames` long (a still held, a video looped by its input). Pure.
 */
import type { FrameSize } from '../../../domain/output-size.js';
import { cfrTimestamps, hold, outputFps } from './filter-expr.js';
import { labelFilter } from './text.js';

export interface TileSpec {
  /** The ffmpeg input index of the reference. */
  inputIndex: number;
  isVideo: boolean;
  label: string;
  box: FrameSize;
  frames: number;
  fontPath: string;
  /** The output label, without brackets. */
  out: string;
}

export function tileChain(t: TileSpec): string {
  const border = Math.max(2, Math.round(t.box.height / 80));
  const fontSizePx = Math.max(14, Math.round(Math.min(t.box.width, t.box.height) / 9));
  const look = [
    `scale=w=${t.box.width - 2 * border}:h=${t.box.height - 2 * border}:force_original_aspect_ratio=decrease:flags=bicubic`,
    // Even sides: yuv420p cannot hold odd ones.
    "scale=w='trunc(iw/2)*2':h='trunc(ih/2)*2'",
    'setsar=1',
    `pad=w=iw+${2 * border}:h=ih+${2 * border}:x=${border}:y=${border}:color=white`,
    'format=yuv420p',
    labelFilter(t.fontPath, t.label, fontSizePx, border * 3),
  ].join(',');
  const chain = t.isVideo
    ? `[${t.inputIndex}:v]setpts=PTS-STARTPTS,fps=${outputFps},trim=end_frame=${t.frames},${look},${cfrTimestamps}`
    : `[${t.inputIndex}:v]trim=end_frame=1,${look},${hold(t.frames)}`;
  return `${chain}[${t.out}]`;
}
