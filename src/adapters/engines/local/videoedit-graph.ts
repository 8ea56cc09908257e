/**
 * The local preview of wan2.7-videoedit (not the model): the source video itself, kept or cut per
 * `duration`, cover-fitted to the requested (or its own) aspect, with a visible edit (a hue rotation and
 * stronger colour, derived from prompt and seed) and the reference images inset, labelled "Image n".
 * The sound: the source's with `audio_setting: origin`; with `auto`, the source's under a soft drone. Pure.
 */
import type { FrameSize } from '../../../domain/output-size.js';
import type { EngineJob } from '../../../domain/ports.js';
import { exactAudio, sampleRateHz, toneSource } from './audio.js';
import { coverFit, even, num, outputFps } from './filter-expr.js';
import type { Look } from './look.js';
import { RenderPlanError, required, type GraphInput, type ModeGraph } from './render-inputs.js';
import { tileChain } from './reference-tiles.js';

function soundTrack(sourceAudio: string | null, origin: boolean, look: Look, frames: number): string[] {
  const samples = (frames * sampleRateHz) / outputFps;
  const drone = `${toneSource(look, frames / outputFps)},${exactAudio(samples)}`;
  if (!sourceAudio) return [origin ? `anullsrc=r=${sampleRateHz}:cl=stereo,${exactAudio(samples)}[a]` : `${drone}[a]`];
  const source = `${sourceAudio}asetpts=PTS-STARTPTS,${exactAudio(samples)}`;
  if (origin) return [`${source}[a]`];
  // amix halves each input; the volume brings the source back to its level.
  return [`${source}[src]`, `${drone}[drone]`, `[src][drone]amix=inputs=2:duration=first,volume=2,${exactAudio(samples)}[a]`];
}

export function videoEditGraph(job: EngineJob, look: Look, size: FrameSize, frames: number, fontPath: string): ModeGraph {
  const r = job.request;
  if (r.model !== 'wan2.7-videoedit') throw new RenderPlanError('not a wan2.7-videoedit job');
  const source = required(job.inputs.video, 'source video');
  const inputs: GraphInput[] = [{ path: source.path }];
  // Never a rotation near 0 or 360: the edit must show, whatever the prompt and seed.
  const hueDegrees = 90 + (look.hueStartDegrees % 180);
  const edited =
    `[0:v]setpts=PTS-STARTPTS,fps=${outputFps},${coverFit(size)},trim=end_frame=${frames},` +
    // A source a frame short of its probed length still fills the output.
    `tpad=stop_mode=clone:stop=${outputFps},trim=end_frame=${frames},` +
    `hue=h=${num(hueDegrees)}:s=1.35,eq=contrast=1.12`;
  const audio = soundTrack(source.probe.hasAudio ? '[0:a]' : null, r.audioSetting === 'origin', look, frames);
  const refs = job.inputs.referenceImages ?? [];
  if (refs.length !== r.referenceImages.length) throw new RenderPlanError(`the job has ${refs.length} reference images; the request names ${r.referenceImages.length}`);
  if (refs.length === 0) return { inputs, chains: [`${edited}[base]`], promptFrames: { from: 0, to: frames - 1 }, audio };

  const chains = [`${edited}[edited]`];
  const margin = even(Math.min(size.width, size.height) / 30);
  const box = { width: even(size.width * 0.2), height: even((size.height - margin * (refs.length + 1)) / Math.max(3, refs.length)) };
  let below = 'edited';
  for (const [k, ref] of refs.entries()) {
    const image = required(ref.media, `reference image ${k + 1}`);
    inputs.push({ path: image.path });
    chains.push(tileChain({ inputIndex: k + 1, isVideo: false, label: `Image ${k + 1}`, box, frames, fontPath, out: `inset${k}` }));
    const out = k === refs.length - 1 ? 'base' : `layer${k}`;
    chains.push(`[${below}][inset${k}]overlay=x=W-w-${margin}:y=${margin + k * (box.height + margin)}:format=yuv420[${out}]`);
    below = out;
  }
  return { inputs, chains, promptFrames: { from: 0, to: frames - 1 }, audio };
}
