import { describe, expect, it } from 'vitest';
import { parseCreateRequest } from '../../../domain/request.js';
import { sizeForInput, sizeForRatio } from '../../../domain/output-size.js';
import type { EngineJob, LocalMedia } from '../../../domain/ports.js';
import { buildRenderPlan, RenderPlanError, type RenderPlan } from './args.js';

const env = { fontPath: '/fonts/DejaVuSans.ttf', threads: 2 };
const media = (file: string, probe: Partial<LocalMedia['probe']>): LocalMedia => ({
  path: file,
  probe: { formatName: 'x', bytes: 1, hasVideo: true, hasAudio: false, ...probe },
});
const red = media('/in/red.png', { width: 800, height: 600 });
const wide = media('/in/wide.png', { width: 1200, height: 400 });
const blue = media('/in/blue.jpg', { width: 640, height: 480 });
const clip = media('/in/clip.mp4', { width: 640, height: 360, durationSeconds: 3, hasAudio: true });
const silentClip = media('/in/silent.mp4', { width: 640, height: 360, durationSeconds: 2.5, hasAudio: false });
const voice = media('/in/voice.wav', { hasVideo: false, hasAudio: true, durationSeconds: 4 });

const graphOf = (plan: RenderPlan) => plan.args[plan.args.indexOf('-filter_complex') + 1]!;
const job = (body: object, inputs: EngineJob['inputs']): EngineJob => ({
  taskId: 'task_1',
  request: parseCreateRequest({ resolution: '720P', seed: 4, ...body }, () => 1),
  inputs,
  mediaUrls: {},
  outputPath: '/out/task_1.mp4',
});
const r2v = (body: object, inputs: EngineJob['inputs']) => buildRenderPlan(job({ model: 'wan2.7-r2v', prompt: 'Image 1 meets Video 1', ...body }, inputs), env);
const edit = (body: object, inputs: EngineJob['inputs']) => buildRenderPlan(job({ model: 'wan2.7-videoedit', video_urls: ['https://e/v.mp4'], ...body }, inputs), env);

describe('local preview of wan2.7-r2v', () => {
  it('renders at the ratio table size, the asked duration, with a labelled tile per reference in order', () => {
    const p = r2v({ image_urls: ['a', 'b'].map((n) => `https://e/${n}.png`), video_urls: ['https://e/v.mp4'], size: '9:16', duration: 4 }, {
      referenceImages: [{ media: red }, { media: wide }],
      referenceVideos: [{ media: clip }],
    });
    expect({ width: p.width, height: p.height }).toEqual(sizeForRatio('720P', '9:16'));
    expect(p.totalFrames).toBe(120);
    const graph = graphOf(p);
    const labels = [...graph.matchAll(/text=(Image \d|Video \d)/g)].map((m) => m[1]);
    expect(labels).toEqual(['Image 1', 'Image 2', 'Video 1']);
    // A reference video is read over and over, so a short one still moves for the whole output.
    expect(p.args.join(' ')).toContain(`-stream_loop -1 -i ${clip.path}`);
    expect(p.args.join(' ')).not.toContain(`-stream_loop -1 -i ${red.path}`);
  });

  it("starts on the first frame at its aspect (sides multiples of 16), the tiles fading in after it, no text on frame 0", () => {
    const p = r2v(
      { image_with_roles: [{ url: 'https://e/f.png', role: 'first_frame' }, { url: 'https://e/a.png' }], size: '1:1' },
      { firstFrame: blue, referenceImages: [{ media: red }] },
    );
    const size = sizeForInput('720P', { width: 640, height: 480 }, 16);
    expect({ width: p.width, height: p.height }).toEqual(size);
    expect(p.width % 16).toBe(0);
    expect(p.height % 16).toBe(0);
    const graph = graphOf(p);
    expect(p.args.join(' ')).toContain(`-i ${blue.path}`);
    expect(graph).toContain('[0:v]trim=end_frame=1');
    expect(graph).toContain('fade=t=in:s=1:');
    expect(graph).toMatch(/enable='between\(n,1,149\)'/);
  });

  it('voices the references in turn: an image voice, then a video with its own sound; a drone without any', () => {
    const p = r2v({ image_with_roles: [{ url: 'https://e/a.png', reference_voice: 'https://e/v.wav' }], video_urls: ['https://e/v.mp4'], duration: 5 }, {
      referenceImages: [{ media: red, voice }],
      referenceVideos: [{ media: clip }],
    });
    const graph = graphOf(p);
    expect(graph).toMatch(/\[1:a\]atrim=end=4,.*\[voice0\]/);
    expect(graph).toMatch(/\[2:a\]atrim=end=3,.*\[voice1\]/);
    expect(graph).toContain('[voice0][voice1]concat=n=2:v=0:a=1');
    expect(graph).not.toContain('aevalsrc');
    const silent = graphOf(r2v({ video_urls: ['https://e/v.mp4'] }, { referenceVideos: [{ media: silentClip }] }));
    expect(silent).toContain('aevalsrc');
  });

  it('refuses a job whose references do not match the request', () => {
    expect(() => r2v({ image_urls: ['https://e/a.png', 'https://e/b.png'] }, { referenceImages: [{ media: red }] })).toThrow(RenderPlanError);
  });

  it('the same job always gives the same command; another seed changes it', () => {
    const inputs = { referenceImages: [{ media: red }] };
    expect(r2v({ image_urls: ['https://e/a.png'], seed: 9 }, inputs)).toEqual(r2v({ image_urls: ['https://e/a.png'], seed: 9 }, inputs));
    expect(graphOf(r2v({ image_urls: ['https://e/a.png'], seed: 9 }, inputs))).not.toEqual(graphOf(r2v({ image_urls: ['https://e/a.png'], seed: 10 }, inputs)));
  });
});

describe('local preview of wan2.7-videoedit', () => {
  it("keeps the source's length and aspect by default, with a visible colour edit", () => {
    const p = edit({}, { video: silentClip });
    expect({ width: p.width, height: p.height }).toEqual(sizeForInput('720P', { width: 640, height: 360 }));
    expect(p.totalFrames).toBe(75);
    expect(p.durationSeconds).toBe(2.5);
    expect(graphOf(p)).toMatch(/hue=h=\d+(\.\d+)?:s=1\.35/);
  });

  it('cuts to duration and takes the asked size', () => {
    const p = edit({ duration: 2, size: '1:1' }, { video: clip });
    expect({ width: p.width, height: p.height }).toEqual(sizeForRatio('720P', '1:1'));
    expect(p.totalFrames).toBe(60);
  });

  it('insets the reference images, labelled in order', () => {
    const graph = graphOf(edit({ image_urls: ['https://e/a.png', 'https://e/b.png'] }, { video: clip, referenceImages: [{ media: red }, { media: blue }] }));
    expect([...graph.matchAll(/text=(Image \d)/g)].map((m) => m[1])).toEqual(['Image 1', 'Image 2']);
    expect(graph).toContain('[1:v]');
    expect(graph).toContain('[2:v]');
  });

  it('origin keeps the source sound alone; auto lays a drone under it; a silent source stays silent with origin', () => {
    const origin = graphOf(edit({ audio_setting: 'origin' }, { video: clip }));
    expect(origin).toMatch(/\[0:a\]asetpts=PTS-STARTPTS,.*\[a\]/);
    expect(origin).not.toContain('aevalsrc');
    const auto = graphOf(edit({}, { video: clip }));
    expect(auto).toContain('amix=inputs=2');
    expect(graphOf(edit({ audio_setting: 'origin' }, { video: silentClip }))).toContain('anullsrc');
  });

  it('refuses a job without its source video', () => {
    expect(() => edit({}, {})).toThrow(RenderPlanError);
  });
});
