import { describe, expect, it } from 'vitest';
import { aspectRatios, sizeForInput, sizeForRatio } from '../../../domain/output-size.js';
import type { EngineJob, LocalMedia } from '../../../domain/ports.js';
import type { UnifiedRequest } from '../../../domain/request.js';
import { buildRenderPlan, RenderPlanError, type RenderPlan } from './args.js';
import { escapeFilterValue, wrapPrompt } from './text.js';

const env = { fontPath: '/fonts/DejaVuSans.ttf', threads: 2 };

function request(overrides: Partial<UnifiedRequest> = {}): UnifiedRequest {
  return {
    model: 'wan2.7',
    mode: 't2v',
    prompt: 'A heron standing in a misty lake at sunrise',
    resolution: '720P',
    durationSeconds: 3,
    size: '16:9',
    sizeIgnored: false,
    promptExtend: true,
    watermark: false,
    seed: 1,
    ...overrides,
  };
}

const media = (file: string, probe: Partial<LocalMedia['probe']>): LocalMedia => ({
  path: file,
  probe: { formatName: 'x', bytes: 1, hasVideo: true, hasAudio: false, ...probe },
});
const red = media('/in/red.png', { width: 800, height: 600 });
const blue = media('/in/blue.jpg', { width: 640, height: 480 });
const clip = media('/in/clip.mp4', { width: 640, height: 360, durationSeconds: 3, hasAudio: true });
const song = media('/in/song.mp3', { hasVideo: false, hasAudio: true, durationSeconds: 20 });

function job(r: Partial<UnifiedRequest>, inputs: EngineJob['inputs'] = {}): EngineJob {
  return { taskId: 'task_1', request: request(r), inputs, mediaUrls: {}, outputPath: '/out/task_1.mp4' };
}

const graphOf = (plan: RenderPlan) => plan.args[plan.args.indexOf('-filter_complex') + 1]!;
const plan = (j: EngineJob) => buildRenderPlan(j, env);

describe('buildRenderPlan', () => {
  it.each(aspectRatios.flatMap((ratio) => (['720P', '1080P'] as const).map((resolution) => [resolution, ratio] as const)))(
    'text-to-video at %s %s has the size from the spec table',
    (resolution, ratio) => {
      const p = plan(job({ resolution, size: ratio }));
      const expected = sizeForRatio(resolution, ratio);
      expect({ width: p.width, height: p.height }).toEqual(expected);
      expect(graphOf(p)).toContain(`crop=${expected.width}:${expected.height}:`);
    },
  );

  it("image-to-video takes the first image's aspect and ignores the requested ratio", () => {
    const p = plan(job({ mode: 'i2v_first_frame', size: '9:16', sizeIgnored: true }, { firstFrame: red }));
    const expected = sizeForInput('720P', { width: 800, height: 600 });
    expect({ width: p.width, height: p.height }).toEqual(expected);
    expect(graphOf(p)).toContain(`s=${expected.width}x${expected.height}`);
  });

  it('first + last frame takes the size from the first image and reads both images', () => {
    const p = plan(job({ mode: 'i2v_first_last', resolution: '1080P' }, { firstFrame: red, lastFrame: blue }));
    expect({ width: p.width, height: p.height }).toEqual(sizeForInput('1080P', { width: 800, height: 600 }));
    expect(p.args).toContain(red.path);
    expect(p.args).toContain(blue.path);
    expect(graphOf(p)).toContain('fade=t=in');
  });

  it("continuation takes the size from the input video's dimensions", () => {
    const p = plan(job({ mode: 'video_continuation', durationSeconds: 5 }, { video: clip }));
    expect({ width: p.width, height: p.height }).toEqual(sizeForInput('720P', { width: 640, height: 360 }));
    expect(graphOf(p)).toContain('[0:a]');
  });

  it('the output is exactly durationSeconds at 30 fps, H.264 yuv420p + AAC, bitexact and faststart', () => {
    const p = plan(job({ durationSeconds: 7 }));
    expect(p.totalFrames).toBe(210);
    expect(graphOf(p)).toContain('trim=end_frame=210[v]');
    expect(graphOf(p)).toContain('atrim=end_sample=336000');
    const args = p.args.join(' ');
    for (const flag of ['-c:v libx264', '-pix_fmt yuv420p', '-c:a aac', '-r 30', '-movflags +faststart', '-fflags +bitexact', '-flags:v +bitexact', '-flags:a +bitexact', '-map_metadata -1', '-threads 2']) {
      expect(args).toContain(flag);
    }
    expect(p.args.at(-1)).toBe(p.partialPath);
  });

  it('draws the watermark text only when asked', () => {
    expect(graphOf(plan(job({ watermark: false })))).not.toContain('AI Generated');
    expect(graphOf(plan(job({ watermark: true })))).toContain('AI Generated');
  });

  it('mixes given audio padded and truncated to exactly the duration; generates a tone otherwise', () => {
    const withAudio = plan(job({ durationSeconds: 4 }, { audio: song }));
    expect(withAudio.args).toContain(song.path);
    expect(graphOf(withAudio)).toMatch(/\[0:a\].*apad=whole_len=192000,atrim=end_sample=192000/);
    expect(graphOf(withAudio)).not.toContain('aevalsrc');
    const withoutAudio = plan(job({ durationSeconds: 4 }));
    expect(graphOf(withoutAudio)).toContain('aevalsrc');
    expect(graphOf(withoutAudio)).toContain('apad=whole_len=192000,atrim=end_sample=192000');
  });

  it('the same job always gives the same command', () => {
    expect(plan(job({ seed: 5 }))).toEqual(plan(job({ seed: 5 })));
  });

  it('a different seed changes the filter graph', () => {
    expect(graphOf(plan(job({ seed: 1 })))).not.toEqual(graphOf(plan(job({ seed: 2 }))));
  });

  it('a different prompt changes the filter graph (not only the drawn text)', () => {
    expect(graphOf(plan(job({ prompt: 'a cat' })))).not.toEqual(graphOf(plan(job({ prompt: 'a dog' }))));
  });

  it('passes the prompt through a text file, never inside the filter graph', () => {
    const prompt = "Don't break: the graph, [please]; 100%{pts}";
    const p = plan(job({ prompt }));
    expect(graphOf(p)).not.toContain('break');
    expect(p.textFiles).toEqual([{ path: '/out/task_1.mp4.prompt.txt', contents: prompt }]);
    expect(graphOf(p)).toContain('textfile=/out/task_1.mp4.prompt.txt');
    expect(graphOf(p)).toContain('expansion=none');
  });

  it('keeps the prompt off the frames that must match the input images', () => {
    const first = graphOf(plan(job({ mode: 'i2v_first_frame' }, { firstFrame: red })));
    expect(first).toMatch(/enable='between\(n,1,89\)'/);
    const firstLast = graphOf(plan(job({ mode: 'i2v_first_last' }, { firstFrame: red, lastFrame: blue })));
    expect(firstLast).toMatch(/enable='between\(n,1,(\d+)\)'/);
    const to = Number(/enable='between\(n,1,(\d+)\)'/.exec(firstLast)![1]);
    expect(to).toBeLessThan(89);
  });

  it('writes no text file when there is no prompt', () => {
    const p = plan(job({ mode: 'i2v_first_frame', prompt: undefined }, { firstFrame: red }));
    expect(p.textFiles).toEqual([]);
    expect(graphOf(p)).not.toContain('textfile=');
  });

  it('refuses a job whose inputs are missing or unprobed', () => {
    expect(() => plan(job({ mode: 'i2v_first_frame' }))).toThrow(RenderPlanError);
    expect(() => plan(job({ mode: 'i2v_first_last' }, { firstFrame: red }))).toThrow(RenderPlanError);
    expect(() => plan(job({ mode: 'video_continuation' }, { video: media('/in/v.mp4', {}) }))).toThrow(RenderPlanError);
  });

  it('escapes the font path for the filter syntax', () => {
    const p = buildRenderPlan(job({ watermark: true }), { fontPath: "/odd dir/it's:a,font[1];.ttf", threads: 1 });
    expect(graphOf(p)).toContain("fontfile=/odd dir/it\\\\\\'s\\\\:a\\,font\\[1\\]\\;.ttf");
  });
});

describe('prompt text helpers', () => {
  it('wraps at word boundaries within the line width', () => {
    expect(wrapPrompt('one two three four five', 9, 5)).toEqual(['one two', 'three', 'four five']);
  });

  it('cuts words longer than a line', () => {
    expect(wrapPrompt('abcdefghij', 4, 5)).toEqual(['abcd', 'efgh', 'ij']);
  });

  it('truncates a long prompt with an ellipsis on the last line', () => {
    const lines = wrapPrompt('word '.repeat(200), 20, 3);
    expect(lines).toHaveLength(3);
    expect(lines[2]!.endsWith('\u2026')).toBe(true);
    expect(Array.from(lines[2]!).length).toBeLessThanOrEqual(20);
  });

  it('folds newlines and control characters into single spaces', () => {
    expect(wrapPrompt('a\nb\t\tc\u0000d', 40, 2)).toEqual(['a b c d']);
  });

  it('never splits a surrogate pair', () => {
    expect(wrapPrompt('😀😀😀😀😀', 2, 5)).toEqual(['😀😀', '😀😀', '😀']);
  });

  it('escapes both the option and the graph level', () => {
    expect(escapeFilterValue("a'b:c,d")).toBe("a\\\\\\'b\\\\:c\\,d");
    expect(escapeFilterValue('plain/path.ttf')).toBe('plain/path.ttf');
  });
});
