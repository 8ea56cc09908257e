/**
 * The local preview engine's ffmpeg command, built from the job alone (pure: no I/O). Every mode
 * yields the spec's output: H.264 yuv420p + AAC, 30 fps CFR, exactly durationSeconds, byte-identical
 * for the same job. The bundled ffmpeg is a 2018 build (~4.1): no xfade, no gradients source.
 */
import { outputSecondsOf } from '../../../domain/model-registry.js';
import type { EngineJob } from '../../../domain/ports.js';
import { sizeForInput, sizeForRatio, type FrameSize } from '../../../domain/output-size.js';
import { audioChains, sampleRateHz } from './audio.js';
import { cfrTimestamps, coverFit, even, fadeIn, hold, num, outputFps, zoom } from './filter-expr.js';
import { lookFor, type Look } from './look.js';
import { drawPromptFilter, promptBlock, watermarkFilter } from './text.js';
import { dimensionsOf, RenderPlanError, required, type ModeGraph } from './render-inputs.js';
import { r2vGraph } from './r2v-graph.js';
import { videoEditGraph } from './videoedit-graph.js';

export { outputFps };

export interface RenderEnv {
  /** TTF for drawtext (the bundled ffmpeg has no system fonts). */
  fontPath: string;
  /** Fixed encoder/filter thread count: part of what makes output byte-identical. */
  threads: number;
}

export interface RenderPlan {
  args: string[];
  /** Files to write before spawning ffmpeg (drawtext reads the prompt from them). */
  textFiles: { path: string; contents: string }[];
  /** ffmpeg writes here; renamed to job.outputPath only once complete. */
  partialPath: string;
  width: number;
  height: number;
  durationSeconds: number;
  totalFrames: number;
}

export { RenderPlanError };

export function outputSizeFor(job: EngineJob): FrameSize {
  const r = job.request;
  switch (r.mode) {
    case 't2v':
      return sizeForRatio(r.resolution, r.size);
    case 'i2v_first_frame':
    case 'i2v_first_last':
      return sizeForInput(r.resolution, dimensionsOf(job.inputs.firstFrame, 'first frame image'));
    case 'video_continuation':
      return sizeForInput(r.resolution, dimensionsOf(job.inputs.video, 'continuation video'));
    case 'r2v':
      return sizeForRatio(r.resolution, r.size ?? '16:9');
    case 'r2v_first_frame':
      // The first frame's aspect at the tier's pixel count, sides multiples of 16 (family spec section 1).
      return sizeForInput(r.resolution, dimensionsOf(job.inputs.firstFrame, 'first frame image'), 16);
    case 'video_edit':
      return r.size ? sizeForRatio(r.resolution, r.size) : sizeForInput(r.resolution, dimensionsOf(job.inputs.video, 'source video'));
  }
}

/** Output seconds: as asked, except a videoedit that keeps its source's length. */
function outputSecondsFor(job: EngineJob): number {
  return outputSecondsOf(job.request, job.inputs.video?.probe.durationSeconds);
}

function plasmaExpr(look: Look, texture: FrameSize, channel: number): string {
  const [w0, w1] = look.waves as [Look['waves'][0], Look['waves'][0]];
  const cx = num(look.ringCentre.x * texture.width);
  const cy = num(look.ringCentre.y * texture.height);
  const v =
    `sin(X*${num(w0.fx)}+Y*${num(w0.fy)}+${num(w0.phase)})+sin(X*${num(w1.fx)}+Y*${num(w1.fy)}+${num(w1.phase)})` +
    `+sin(hypot(X-${cx},Y-${cy})*${num(look.ringFrequency)})`;
  const p = look.palette[channel]!;
  return `${num(p.base)}+${num(p.amplitude)}*sin((${v})*${num(look.contrast)}+${num(p.phase)})`;
}

/**
 * Text-to-video: a plasma texture computed once at low resolution (geq is far too slow per frame at
 * full size), scaled up once, then a window drifting over it with a slowly turning hue; a Game of
 * Life layer (low resolution, hard pixels) brightens the luma on top.
 */
function t2vChains(look: Look, size: FrameSize, frames: number): string[] {
  const canvas = { width: even(size.width * 1.25), height: even(size.height * 1.25) };
  const texture = { width: 160, height: even((160 * canvas.height) / canvas.width) };
  const marginX = (canvas.width - size.width) / 2;
  const marginY = (canvas.height - size.height) / 2;
  const driftX = `${num(marginX)}*(1+sin(2*PI*t/${num(look.driftPeriodSeconds.x)}+${num(look.driftPhase.x)}))`;
  const driftY = `${num(marginY)}*(1+sin(2*PI*t/${num(look.driftPeriodSeconds.y)}+${num(look.driftPhase.y)}))`;
  const background = [
    `color=c=black:s=${texture.width}x${texture.height}:r=${outputFps}:d=1`,
    'trim=end_frame=1',
    'format=gbrp',
    `geq=r='${plasmaExpr(look, texture, 0)}':g='${plasmaExpr(look, texture, 1)}':b='${plasmaExpr(look, texture, 2)}'`,
    `scale=${canvas.width}:${canvas.height}:flags=bicubic`,
    'format=yuv420p',
    hold(frames),
    `crop=${size.width}:${size.height}:x='${driftX}':y='${driftY}'`,
    `hue=h='${num(look.hueStartDegrees)}+${num(look.hueDegreesPerSecond)}*t'`,
  ].join(',');
  const l = look.life;
  const grid = { width: Math.max(8, Math.round(size.width / l.cellPx)), height: Math.max(8, Math.round(size.height / l.cellPx)) };
  const cells = [
    `life=s=${grid.width}x${grid.height}:r=${l.ratePerSecond}:seed=${l.seed}:rule=${l.rule}:ratio=${num(l.fillRatio)}` +
      `:mold=12:life_color=${l.colour}:death_color=black:mold_color=${l.moldColour}`,
    `fps=${outputFps}`,
    `trim=end_frame=${frames}`,
    `scale=${size.width}:${size.height}:flags=neighbor`,
    'format=yuv420p',
  ].join(',');
  return [
    `${background}[bg]`,
    `${cells}[cells]`,
    `[bg][cells]blend=c0_mode=screen:c0_opacity=${num(l.opacity)}:c1_mode=normal:c2_mode=normal:shortest=1[base]`,
  ];
}

const endsOn = (frames: number) => `on/${frames - 1}`;

/** Frames at the end kept free of the prompt when the last frame must match an input image. */
const clearEndFrames = outputFps / 5;

function modeGraph(job: EngineJob, look: Look, size: FrameSize, frames: number, fontPath: string): ModeGraph {
  const r = job.request;
  const last = frames - 1;
  const zoomIn = `1+${num(look.zoomEnd - 1)}*${endsOn(frames)}`;
  const pan = { x: `0.5+${num(look.pan.x)}*${endsOn(frames)}`, y: `0.5+${num(look.pan.y)}*${endsOn(frames)}` };
  switch (r.mode) {
    case 't2v':
      return { inputs: [], chains: t2vChains(look, size, frames), promptFrames: { from: 0, to: last } };
    case 'i2v_first_frame': {
      const first = required(job.inputs.firstFrame, 'first frame image');
      const chain = `[0:v]trim=end_frame=1,${coverFit(size)},${zoom(size, frames, zoomIn, pan)}[base]`;
      return { inputs: [{ path: first.path }], chains: [chain], promptFrames: { from: 1, to: last } };
    }
    case 'i2v_first_last': {
      const first = required(job.inputs.firstFrame, 'first frame image');
      const lastFrame = required(job.inputs.lastFrame, 'last frame image');
      // The last image zooms *out* to exactly 1 so the final frame is the image itself.
      const zoomOut = `1+${num(look.zoomEnd - 1)}*(1-${endsOn(frames)})`;
      const panBack = { x: `0.5-${num(look.pan.x)}*(1-${endsOn(frames)})`, y: `0.5-${num(look.pan.y)}*(1-${endsOn(frames)})` };
      return {
        inputs: [{ path: first.path }, { path: lastFrame.path }],
        chains: [
          `[0:v]trim=end_frame=1,${coverFit(size)},${zoom(size, frames, zoomIn, pan)}[from]`,
          `[1:v]trim=end_frame=1,${coverFit(size)},${zoom(size, frames, zoomOut, panBack)},` +
            `${fadeIn(Math.round(frames * 0.15), Math.round(frames * 0.7), last)}[to]`,
          '[from][to]overlay=format=yuv420[base]',
        ],
        promptFrames: { from: 1, to: last - clearEndFrames },
      };
    }
    case 'video_continuation': {
      const video = required(job.inputs.video, 'continuation video');
      const clipFrames = Math.min(last, Math.max(1, Math.round((video.probe.durationSeconds ?? 0) * outputFps)));
      const restFrames = frames - clipFrames;
      // 0 while the clip plays (unzoomed), then rising to 1 at the end.
      const afterClip = `max(0,on-${clipFrames})/${restFrames}`;
      const zoomAfterClip = `1+${num(look.zoomEnd - 1)}*${afterClip}`;
      const panAfterClip = { x: `0.5+${num(look.pan.x)}*${afterClip}`, y: `0.5+${num(look.pan.y)}*${afterClip}` };
      const chains = [
        `[0:v]setpts=PTS-STARTPTS,fps=${outputFps},${coverFit(size)},trim=end_frame=${clipFrames},` +
          // Padding beyond what is needed, then an exact trim: a clip a frame short of its probed length still fills the output.
          `tpad=stop_mode=clone:stop=${restFrames + outputFps},` +
          `${zoom(size, 1, zoomAfterClip, panAfterClip)},` +
          `trim=end_frame=${frames}[clip]`,
      ];
      const inputs = [{ path: video.path }];
      const lastFrame = job.inputs.lastFrame && required(job.inputs.lastFrame, 'last frame image');
      if (lastFrame) {
        inputs.push({ path: lastFrame.path });
        chains.push(
          `[1:v]trim=end_frame=1,${coverFit(size)},${hold(frames)},` +
            `${fadeIn(clipFrames + Math.floor(restFrames * 0.1), Math.round(restFrames * 0.7), last)}[to]`,
          '[clip][to]overlay=format=yuv420[base]',
        );
      } else {
        chains.push('[clip]null[base]');
      }
      return {
        inputs,
        chains,
        promptFrames: { from: clipFrames, to: lastFrame ? last - clearEndFrames : last },
        clip: { frames: clipFrames, audioLabel: video.probe.hasAudio ? '[0:a]' : null },
      };
    }
    case 'r2v':
    case 'r2v_first_frame':
      return r2vGraph(job, look, size, frames, fontPath);
    case 'video_edit':
      return videoEditGraph(job, look, size, frames, fontPath);
  }
}

export function buildRenderPlan(job: EngineJob, env: RenderEnv): RenderPlan {
  const r = job.request;
  const size = outputSizeFor(job);
  const frames = Math.max(1, Math.round(outputSecondsFor(job) * outputFps));
  const look = lookFor(r.prompt, r.seed);
  const graph = modeGraph(job, look, size, frames, env.fontPath);
  const audioInput = r.model === 'wan2.7' ? job.inputs.audio : undefined;
  const inputs = audioInput ? [...graph.inputs, { path: audioInput.path }] : graph.inputs;
  const audioInputIndex = audioInput ? graph.inputs.length : null;

  const textFiles: RenderPlan['textFiles'] = [];
  const overlays: string[] = [];
  const minSide = Math.min(size.width, size.height);
  const block =
    r.mode === 't2v'
      ? promptBlock(r.prompt, size.width * 0.86, Math.round(minSide / 18), 4)
      : promptBlock(r.prompt, size.width * 0.8, Math.round(minSide / 34), 2);
  if (block) {
    const textFilePath = `${job.outputPath}.prompt.txt`;
    textFiles.push({ path: textFilePath, contents: block.contents });
    const margin = Math.round(minSide / 30);
    const { from, to } = graph.promptFrames;
    overlays.push(
      drawPromptFilter({
        fontPath: env.fontPath,
        textFilePath,
        fontSizePx: block.fontSizePx,
        ...(r.mode === 't2v' ? { x: '(w-tw)/2', y: '(h-th)/2', boxed: true } : { x: `${margin}`, y: `${margin}`, boxed: false }),
        ...((from > 0 || to < frames - 1) && { frames: { from, to, fadeIn: from > 0, fadeOut: to < frames - 1 } }),
      }),
    );
  }
  if (r.watermark) overlays.push(watermarkFilter(env.fontPath, size.height));
  // A frame-exact end for every mode: a graph a frame short is padded by cloning, never cut short.
  const exactFrames = `${cfrTimestamps},tpad=stop_mode=clone:stop=${outputFps},trim=end_frame=${frames}`;
  const finish = `[base]${[...overlays, 'format=yuv420p', exactFrames].join(',')}[v]`;
  const chains = [...graph.chains, finish, ...(graph.audio ?? audioChains(look, frames, audioInputIndex, graph.clip))];

  const partialPath = `${job.outputPath}.partial`;
  const threads = String(env.threads);
  const args = [
    '-hide_banner', '-nostdin', '-nostats', '-loglevel', 'error', '-y', '-progress', 'pipe:1',
    ...inputs.flatMap((input) => [...(input.loop ? ['-stream_loop', '-1'] : []), '-i', input.path]),
    '-filter_complex', chains.join(';'),
    '-filter_complex_threads', threads,
    '-map', '[v]', '-map', '[a]',
    // superfast: the encoder is most of the render time; 1080P 5 s must render faster than real time on 2 cores.
    '-c:v', 'libx264', '-preset', 'superfast', '-crf', '23', '-pix_fmt', 'yuv420p', '-profile:v', 'high', '-g', String(2 * outputFps),
    // No -frames:v: it would close the file before the last audio packets; the graph is exact instead.
    '-r', String(outputFps),
    '-c:a', 'aac', '-b:a', '128k', '-ar', String(sampleRateHz), '-ac', '2',
    '-threads', threads,
    // Byte-identical output: no encoder version strings, no timestamps, no copied metadata.
    '-fflags', '+bitexact', '-flags:v', '+bitexact', '-flags:a', '+bitexact', '-map_metadata', '-1',
    '-movflags', '+faststart', '-f', 'mp4', partialPath,
  ];
  return { args, textFiles, partialPath, width: size.width, height: size.height, durationSeconds: frames / outputFps, totalFrames: frames };
}
