/**
 * The audio track, always present and always exactly the video's length: given audio is cut or padded
 * with silence; without any, a soft drone derived from the seed. Pure.
 */
import { num, outputFps } from './filter-expr.js';
import type { Look } from './look.js';

export const sampleRateHz = 48_000;
const samplesPerFrame = sampleRateHz / outputFps;

/** Continuation: how many output frames the input clip fills, and its audio stream if it has one. */
export interface ClipAudio {
  frames: number;
  audioLabel: string | null;
}

/** Exactly `samples` samples of 48 kHz stereo: longer input is cut, shorter is padded with silence. */
export function exactAudio(samples: number): string {
  return (
    `aresample=${sampleRateHz},aformat=sample_fmts=fltp:channel_layouts=stereo,` +
    `apad=whole_len=${samples},atrim=end_sample=${samples},asetpts=N/SR/TB`
  );
}

/** A soft drone (root, fifth with a slow swell, octave), faded in and out: about -20 dBFS. */
export function toneSource(look: Look, seconds: number): string {
  const f = look.tone.baseHz;
  const envelope = `min(1,t/0.8)*min(1,max(0,(${num(seconds)}-t)/0.8))`;
  const expr =
    `(0.05*sin(2*PI*${num(f)}*t)+0.03*sin(2*PI*${num(f * 1.5)}*t+${num(look.tone.fifthPhase)})*(0.6+0.4*sin(2*PI*${num(look.tone.lfoHz)}*t))` +
    `+0.015*sin(2*PI*${num(f * 2)}*t))*${envelope}`;
  return `aevalsrc=exprs='${expr}':s=${sampleRateHz}:d=${num(seconds)}`;
}

export function audioChains(look: Look, frames: number, audioInputIndex: number | null, clip: ClipAudio | undefined): string[] {
  const total = frames * samplesPerFrame;
  if (audioInputIndex !== null) return [`[${audioInputIndex}:a]asetpts=PTS-STARTPTS,${exactAudio(total)}[a]`];
  if (!clip) return [`${toneSource(look, frames / outputFps)},${exactAudio(total)}[a]`];
  // Continuation: the clip's own sound (or silence) while it plays, then the generated tone.
  const clipSamples = clip.frames * samplesPerFrame;
  const restFrames = frames - clip.frames;
  const head = clip.audioLabel
    ? `${clip.audioLabel}asetpts=PTS-STARTPTS,${exactAudio(clipSamples)}[clipa]`
    : `anullsrc=r=${sampleRateHz}:cl=stereo,${exactAudio(clipSamples)}[clipa]`;
  return [head, `${toneSource(look, restFrames / outputFps)},${exactAudio(restFrames * samplesPerFrame)}[rest]`, '[clipa][rest]concat=n=2:v=0:a=1[a]'];
}
