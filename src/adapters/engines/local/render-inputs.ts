/** What the local engine's per-mode graphs share: their shape and the checks on their inputs. Pure. */
import type { LocalMedia } from '../../../domain/ports.js';
import type { FrameSize } from '../../../domain/output-size.js';
import type { ClipAudio } from './audio.js';

/** A job this engine cannot render (a missing input or probe): a permanent failure, not a retry. */
export class RenderPlanError extends Error {
  override name = 'RenderPlanError';
}

export function dimensionsOf(media: LocalMedia | undefined, what: string): FrameSize {
  const { width, height } = media?.probe ?? {};
  if (!media || !width || !height) throw new RenderPlanError(`${what} is missing or has no probed dimensions`);
  return { width, height };
}

/** The input, or a RenderPlanError naming what is missing. */
export function required(media: LocalMedia | undefined, what: string): LocalMedia {
  dimensionsOf(media, what);
  return media!;
}

/** An ffmpeg input file; `loop`: read it over and over (a reference video shorter than the output). */
export interface GraphInput {
  path: string;
  loop?: boolean;
}

export interface ModeGraph {
  /** Input files, in ffmpeg input order ([0:v] is the first). */
  inputs: GraphInput[];
  /** Chains that end in [base]: the picture before the prompt, watermark and exact end. */
  chains: string[];
  /** Frames (inclusive) on which the prompt may be drawn: never on a frame that must match an input. */
  promptFrames: { from: number; to: number };
  /** Continuation: how many output frames the input clip fills, and its audio stream if it has one. */
  clip?: ClipAudio;
  /** Chains that make [a] themselves (r2v voices, a videoedit source's sound); otherwise the standard track. */
  audio?: string[];
}
