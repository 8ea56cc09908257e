/**
 * Our validated request -> the create body of another gateway speaking the same Wan2.7 unified-entry API
 * (the product's API contract sections 1-3), and its task reply -> the view the shared poller understands.
 * Pure. Every parameter is sent explicitly; callbacks are ours, never forwarded.
 */
import type { EngineMediaUrls } from '../../../domain/ports.js';
import type { GenerationRequest } from '../../../domain/request.js';
import { requireMediaUrl } from '../upstream/require-media-url.js';
import type { UpstreamStatus, UpstreamTaskView } from '../upstream/upstream-task.js';

export interface RelayCreateBody {
  model: 'wan2.7';
  prompt?: string;
  negative_prompt?: string;
  image_urls?: string[];
  image_with_roles?: { url: string; role: 'first_frame' | 'last_frame' }[];
  video_urls?: string[];
  audio_url?: string;
  resolution: '720P' | '1080P';
  duration: number;
  size?: string;
  prompt_extend: boolean;
  watermark: boolean;
  seed: number;
}

export function toRelayCreate(r: GenerationRequest, urls: EngineMediaUrls): RelayCreateBody {
  const need = (url: string | undefined, what: string) => requireMediaUrl(r.mode, url, what);
  const body: RelayCreateBody = {
    model: 'wan2.7',
    ...(r.prompt !== undefined && r.prompt !== '' && { prompt: r.prompt }),
    ...(r.negativePrompt !== undefined && r.negativePrompt !== '' && { negative_prompt: r.negativePrompt }),
    resolution: r.resolution,
    duration: r.durationSeconds,
    prompt_extend: r.promptExtend,
    watermark: r.watermark,
    seed: r.seed,
  };
  switch (r.mode) {
    case 't2v':
      body.size = r.size;
      break;
    case 'i2v_first_frame':
      body.image_urls = [need(urls.firstFrame, 'first frame')];
      break;
    case 'i2v_first_last':
      body.image_urls = [need(urls.firstFrame, 'first frame'), need(urls.lastFrame, 'last frame')];
      break;
    case 'video_continuation':
      body.video_urls = [need(urls.video, 'continuation video')];
      if (r.lastFrameUrl !== undefined) body.image_with_roles = [{ url: need(urls.lastFrame, 'last frame'), role: 'last_frame' }];
      break;
  }
  if (r.audioUrl !== undefined) body.audio_url = need(urls.audio, 'audio');
  return body;
}

const statusMap: Record<string, UpstreamStatus> = {
  pending: 'PENDING',
  submitted: 'PENDING',
  queued: 'PENDING',
  processing: 'RUNNING',
  running: 'RUNNING',
  completed: 'SUCCEEDED',
  succeeded: 'SUCCEEDED',
  failed: 'FAILED',
  cancelled: 'CANCELED',
  canceled: 'CANCELED',
};

const obj = (v: unknown): Record<string, unknown> | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);

/** GET /v1/tasks/{id} reply -> view. Unknown non-terminal statuses read as RUNNING ("keep polling"). */
export function fromRelayTask(taskId: string, body: unknown): UpstreamTaskView {
  const data = obj(obj(body)?.data);
  if (!data) throw new Error('the task reply has no data object');
  const raw = typeof data.status === 'string' ? data.status.toLowerCase() : '';
  const view: UpstreamTaskView = { taskId, status: statusMap[raw] ?? 'RUNNING' };
  const progress = Number(data.progress);
  if (Number.isFinite(progress)) view.progress = progress;
  const videos = obj(data.result)?.videos;
  const first = Array.isArray(videos) ? obj(videos[0]) : undefined;
  const url = Array.isArray(first?.url) ? first.url[0] : first?.url;
  if (typeof url === 'string' && url !== '') view.videoUrl = url;
  if (typeof data.actual_prompt === 'string' && data.actual_prompt !== '') view.actualPrompt = data.actual_prompt;
  const error = obj(data.error);
  if (error) {
    const reason = typeof error.reason === 'string' ? error.reason : undefined;
    const code = error.code !== undefined ? String(error.code) : undefined;
    view.errorCode = reason ?? code ?? 'failed';
    if (typeof error.message === 'string') view.errorMessage = error.message;
    // The HTTP-like code tells whether the request itself was at fault (4xx).
    if (code !== undefined && /^4\d\d$/.test(code)) view.errorCode = `client:${view.errorCode}`;
  }
  return view;
}
