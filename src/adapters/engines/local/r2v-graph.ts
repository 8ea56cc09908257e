/**
 * The local preview of wan2.7-r2v (not the model): every reference shown as a labelled tile ("Image n",
 * "Video n", counted per kind in the caller's order) drifting over a slowly turning background, or over
 * the first frame, which the video starts on exactly; the audio is the references' voices in turn (a
 * reference video's own sound unless a voice overrides it). Pure.
 */
import type { FrameSize } from '../../../domain/output-size.js';
import type { EngineJob, LocalMedia } from '../../../domain/ports.js';
import type { Reference } from '../../../domain/request-media.js';
import { exactAudio, sampleRateHz, toneSource } from './audio.js';
import { cfrTimestamps, coverFit, even, fadeIn, num, outputFps, zoom } from './filter-expr.js';
import type { Look } from './look.js';
import { RenderPlanError, required, type GraphInput, type ModeGraph } from './render-inputs.js';
import { tileChain } from './reference-tiles.js';

/** The background colour: a dark tone of the look's palette, its hue turning over time. */
function backgroundChain(look: Look, size: FrameSize, frames: number): string {
  const hex = look.palette.map((p) => Math.round(Math.min(255, Math.max(0, p.base * 0.45))).toString(16).padStart(2, '0')).join('');
  return (
    `color=c=0x${hex}:s=${size.width}x${size.height}:r=${outputFps},trim=end_frame=${frames},format=yuv420p,${cfrTimestamps},` +
    `hue=h='${num(look.hueStartDegrees)}+${num(look.hueDegreesPerSecond)}*t'[bg]`
  );
}

interface Voice {
  inputIndex: number;
  seconds: number;
}

function references(list: Reference<LocalMedia>[] | undefined, expected: number, what: string): Reference<LocalMedia>[] {
  const got = list ?? [];
  if (got.length !== expected) throw new RenderPlanError(`the job has ${got.length} ${what}s; the request names ${expected}`);
  return got.map((ref, i) => ({ media: required(ref.media, `${what} ${i + 1}`), ...(ref.voice && { voice: ref.voice }) }));
}

/** The voices in turn, each once, then silence to the end; a soft drone when no reference has a voice. */
function voiceTrack(voices: Voice[], look: Look, frames: number): string[] {
  const samples = (frames * sampleRateHz) / outputFps;
  if (voices.length === 0) return [`${toneSource(look, frames / outputFps)},${exactAudio(samples)}[a]`];
  const parts = voices.map(
    (v, k) => `[${v.inputIndex}:a]atrim=end=${num(v.seconds)},asetpts=PTS-STARTPTS,aresample=${sampleRateHz},aformat=sample_fmts=fltp:channel_layouts=stereo[voice${k}]`,
  );
  const labels = voices.map((_, k) => `[voice${k}]`).join('');
  return [...parts, `${labels}concat=n=${voices.length}:v=0:a=1,${exactAudio(samples)}[a]`];
}

export function r2vGraph(job: EngineJob, look: Look, size: FrameSize, frames: number, fontPath: string): ModeGraph {
  const r = job.request;
  if (r.model !== 'wan2.7-r2v') throw new RenderPlanError('not a wan2.7-r2v job');
  const last = frames - 1;
  const inputs: GraphInput[] = [];
  const add = (input: GraphInput) => inputs.push(input) - 1;
  const chains: string[] = [];

  const firstFrame = r.firstFrame ? required(job.inputs.firstFrame, 'first frame image') : undefined;
  if (firstFrame) {
    const ends = `on/${Math.max(1, last)}`;
    const zoomIn = `1+${num(look.zoomEnd - 1)}*${ends}`;
    const pan = { x: `0.5+${num(look.pan.x)}*${ends}`, y: `0.5+${num(look.pan.y)}*${ends}` };
    chains.push(`[${add({ path: firstFrame.path })}:v]trim=end_frame=1,${coverFit(size)},${zoom(size, frames, zoomIn, pan)},${cfrTimestamps}[bg]`);
  } else {
    chains.push(backgroundChain(look, size, frames));
  }

  const images = references(job.inputs.referenceImages, r.referenceImages.length, 'reference image');
  const videos = references(job.inputs.referenceVideos, r.referenceVideos.length, 'reference video');
  const tiles = [
    ...images.map((ref, i) => ({ ref, isVideo: false, label: `Image ${i + 1}` })),
    ...videos.map((ref, i) => ({ ref, isVideo: true, label: `Video ${i + 1}` })),
  ];
  const n = tiles.length;
  // Each tile in its own slot of the row, with room to drift without touching its neighbours.
  const box = { width: even(Math.min((size.width * 0.9 * 0.8) / n, size.width * 0.6)), height: even(size.height * 0.55) };
  const voices: Voice[] = [];
  let below = 'bg';
  for (const [k, t] of tiles.entries()) {
    const inputIndex = add({ path: t.ref.media.path, ...(t.isVideo && { loop: true }) });
    // With a first frame, the tiles appear after it, so frame 0 is the image itself.
    const tile = tileChain({ inputIndex, isVideo: t.isVideo, label: t.label, box, frames, fontPath, out: `tile${k}` });
    chains.push(firstFrame ? tile.replace(/\[tile\d+\]$/, `,${fadeIn(1, outputFps / 2, last)}[tile${k}]`) : tile);
    const cx = 0.05 + (0.9 * (k + 0.5)) / n;
    const ampX = num(Math.min(0.04 * size.width, box.width * 0.1));
    const ampY = num(0.05 * size.height);
    const phase = num(look.driftPhase.x + k * 1.7);
    const x = `W*${num(cx)}-w/2+${ampX}*sin(2*PI*t/${num(look.driftPeriodSeconds.x / 2)}+${phase})`;
    const y = `H*0.56-h/2+${ampY}*sin(2*PI*t/${num(look.driftPeriodSeconds.y / 2)}+${phase})`;
    const out = k === n - 1 ? 'base' : `layer${k}`;
    chains.push(`[${below}][tile${k}]overlay=x='${x}':y='${y}':eval=frame:format=yuv420[${out}]`);
    below = out;

    const voice = t.ref.voice;
    if (voice) voices.push({ inputIndex: add({ path: voice.path }), seconds: voice.probe.durationSeconds ?? 0 });
    else if (t.isVideo && t.ref.media.probe.hasAudio) voices.push({ inputIndex, seconds: t.ref.media.probe.durationSeconds ?? 0 });
  }
  if (n === 0) throw new RenderPlanError('a wan2.7-r2v job needs at least one reference');
  return { inputs, chains, promptFrames: { from: firstFrame ? 1 : 0, to: last }, audio: voiceTrack(voices, look, frames) };
}
