import { existsSync, openAsBlob, statSync } from 'node:fs';
import path from 'node:path';
import { APIUserAbortError, type GenerateParams, type MediaInput } from '@wangate/client';
import { parseCommand, parseInteger } from '../args.js';
import { exitCodes, UsageError } from '../exit-codes.js';
import { trapInterrupt } from '../interrupt.js';
import { formatBytes, Output, type Streams } from '../output.js';
import { connect } from '../profile.js';
import { describeRouting, followTask } from './follow-task.js';

export const generateUsage = `wangate generate "PROMPT" [--resolution 720P|1080P] [--duration 2..15] [--size 16:9|9:16|1:1|4:3|3:4]
    [--image FIRST [--image LAST]] [--video CLIP] [--audio SOUND] [--seed N] [--negative-prompt TEXT]
    [--no-prompt-extend] [--watermark] [--callback-url URL] [-o FILE] [--no-wait] [--timeout SECONDS]
    [--cancel-on-interrupt] [--json] [--quiet]`;

const options = {
  resolution: { type: 'string' },
  duration: { type: 'string' },
  size: { type: 'string' },
  image: { type: 'string', multiple: true },
  video: { type: 'string' },
  audio: { type: 'string' },
  seed: { type: 'string' },
  'negative-prompt': { type: 'string' },
  'no-prompt-extend': { type: 'boolean' },
  watermark: { type: 'boolean' },
  'callback-url': { type: 'string' },
  output: { type: 'string', short: 'o' },
  'no-wait': { type: 'boolean' },
  timeout: { type: 'string' },
  'cancel-on-interrupt': { type: 'boolean' },
} as const;

/** A media flag: a URL (or data: URI) as it is, else a local file the SDK uploads. */
async function mediaInput(value: string, flag: string, out: Output): Promise<MediaInput> {
  if (/^(https?:|data:)/i.test(value)) return value;
  if (!existsSync(value) || !statSync(value).isFile()) throw new UsageError(`${flag}: no such file '${value}'`);
  out.info(`uploading ${path.basename(value)} (${formatBytes(statSync(value).size)})`);
  return openAsBlob(value);
}

async function buildParams(values: ReturnType<typeof parseCommand<typeof options>>['values'], prompt: string, out: Output): Promise<GenerateParams> {
  const images = values.image ?? [];
  if (images.length > 2) throw new UsageError('--image: at most two (the first frame, then the last frame)');
  const resolution = values.resolution?.toUpperCase();
  if (resolution !== undefined && resolution !== '720P' && resolution !== '1080P') throw new UsageError(`--resolution: 720P or 1080P, not '${values.resolution}'`);
  const duration = parseInteger(values.duration, '--duration');
  const seed = parseInteger(values.seed, '--seed');
  const params: GenerateParams = { model: 'wan2.7' };
  if (prompt) params.prompt = prompt;
  if (values['negative-prompt'] !== undefined) params.negative_prompt = values['negative-prompt'];
  if (resolution) params.resolution = resolution;
  if (duration !== undefined) params.duration = duration;
  if (values.size !== undefined) params.size = values.size as GenerateParams['size'];
  if (seed !== undefined) params.seed = seed;
  if (values['no-prompt-extend']) params.prompt_extend = false;
  if (values.watermark) params.watermark = true;
  if (values['callback-url'] !== undefined) params.callback_url = values['callback-url'];
  if (images.length > 0) params.image_urls = await Promise.all(images.map((i) => mediaInput(i, '--image', out)));
  if (values.video !== undefined) params.video_urls = [await mediaInput(values.video, '--video', out)];
  if (values.audio !== undefined) params.audio_url = await mediaInput(values.audio, '--audio', out);
  return params;
}

/** wangate generate: uploads local files, creates the task, follows it with progress and saves the MP4. */
export async function runGenerate(args: string[], streams: Streams): Promise<number> {
  const { values, positionals } = parseCommand(args, options);
  const out = new Output(values, streams);
  const prompt = positionals.join(' ').trim();
  if (!prompt && !values.image && !values.video) throw new UsageError(`a prompt is needed (or --image / --video); usage: ${generateUsage}`);
  const maxWaitSeconds = parseInteger(values.timeout, '--timeout');
  const client = await connect(values, streams.env, out);
  const params = await buildParams(values, prompt, out);

  const controller = new AbortController();
  const release = trapInterrupt(controller);
  let taskId: string;
  try {
    taskId = (await client.videos.generate(params, { signal: controller.signal })).id;
  } catch (e) {
    if (e instanceof APIUserAbortError) {
      out.warn('interrupted before the server answered the create; `wangate tasks` shows whether a task was made');
      return exitCodes.interrupted;
    }
    throw e;
  } finally {
    release();
  }
  const task = await client.tasks.retrieve(taskId);
  out.info(describeRouting(task));
  if (values['no-wait']) {
    out.result(task, () => task.id);
    return exitCodes.done;
  }
  return followTask(client, taskId, out, {
    output: values.output,
    download: true,
    maxWaitSeconds,
    cancelOnInterrupt: Boolean(values['cancel-on-interrupt']),
  });
}
