/**
 * Our validated request -> the create body of another gateway speaking the same Wan2.7 unified-entry API
 * (the product's API contract sections 1-3), and its task reply -> the view the shared poller understands.
 * Pure. Every parameter is sent explicitly; callbacks are ours, never forwarded.
 */
import type { EngineMediaUrls } from '../../../domain/ports.js';
import type { R2vRequest } from '../../../domain/r2v-request.js';
import type { GenerationRequest, UnifiedRequest } from '../../../domain/request.js';
import type { Reference } from '../../../domain/request-media.js';
import type { VideoEditRequest } from '../../../domain/videoedit-request.js';
import { requireMediaUrl } from '../upstream/require-media-url.js';
import type { UpstreamStatus, UpstreamTaskView } from '../upstream/upstream-task.js';

export interface RelayCreateBody {
  model: GenerationRequest['model'];
  prompt?: string;
  negative_prompt?: string;
  image_urls?: string[];
  image_with_roles?: { url: string; role: 'first_frame' | 'last_frame' | 'reference_image'; reference_voice?: string }[];
  video_urls?: string[];
  video_with_roles?: { url: string; reference_voice?: string }[];
  audio_url?: string;
  resolution: '720P' | '1080P';
  duration: number;
  size?: string;
  audio_setting?: 'auto' | 'origin';
  prompt_extend: boolean;
  watermark: boolean;
  seed: number;
}

/** The URLs of a list of references (and their voices), in the caller's order. */
function referenceUrls(mode: string, refs: Reference<string>[] | undefined, count: number, what: string): { url: string; voice?: string }[] {
  return Array.from({ length: count }, (_, i) => {
    const ref = refs?.[i];
    const url = requireMediaUrl(mode, ref?.media, `${what} ${i + 1}`);
    return { url, ...(ref?.voice !== undefined && { voice: ref.voice }) };
  });
}

/** wan2.7-r2v as the seed's fields: images in image_with_roles, videos in video_urls (video_with_roles only for voices). */
function r2vBody(r: R2vRequest, urls: EngineMediaUrls): Partial<RelayCreateBody> {
  const images = referenceUrls(r.mode, urls.referenceImages, r.referenceImages.length, 'reference image');
  const videos = referenceUrls(r.mode, urls.referenceVideos, r.referenceVideos.length, 'reference video');
  const roles: NonNullable<RelayCreateBody['image_with_roles']> = images.map((i) => ({ url: i.url, role: 'reference_image', ...(i.voice !== undefined && { reference_voice: i.voice }) }));
  if (r.firstFrame) roles.push({ url: requireMediaUrl(r.mode, urls.firstFrame, 'first frame'), role: 'first_frame' });
  return {
    ...(roles.length > 0 && { image_with_roles: roles }),
    ...(videos.some((v) => v.voice !== undefined)
      ? { video_with_roles: videos.map((v) => ({ url: v.url, ...(v.voice !== undefined && { reference_voice: v.voice }) })) }
      : videos.length > 0 && { video_urls: videos.map((v) => v.url) }),
    ...(!r.firstFrame && { size: r.size }),
  };
}

function videoEditBody(r: VideoEditRequest, urls: EngineMediaUrls): Partial<RelayCreateBody> {
  const images = referenceUrls(r.mode, urls.referenceImages, r.referenceImages.length, 'reference image');
  return {
    video_urls: [requireMediaUrl(r.mode, urls.video, 'source video')],
    ...(images.length > 0 && { image_urls: images.map((i) => i.url) }),
    ...(r.size !== undefined && { size: r.size }),
    audio_setting: r.audioSetting,
  };
}

/** Our validated request -> the same request for the other gateway, whichever model of the family. */
export function toRelayCreate(r: GenerationRequest, urls: EngineMediaUrls): RelayCreateBody {
  const common: RelayCreateBody = {
    model: r.model,
    ...(r.prompt !== undefined && r.prompt !== '' && { prompt: r.prompt }),
    ...(r.negativePrompt !== undefined && r.negativePrompt !== '' && { negative_prompt: r.negativePrompt }),
    resolution: r.resolution,
    duration: r.durationSeconds,
    prompt_extend: r.promptExtend,
    watermark: r.watermark,
    seed: r.seed,
  };
  if (r.model === 'wan2.7-r2v') return { ...common, ...r2vBody(r, urls) };
  if (r.model === 'wan2.7-videoedit') return { ...common, ...videoEditBody(r, urls) };
  return unifiedBody(r, urls, common);
}

function unifiedBody(r: UnifiedRequest, urls: EngineMediaUrls, common: RelayCreateBody): RelayCreateBody {
  const need = (url: string | undefined, what: string) => requireMediaUrl(r.mode, url, what);
  const body: RelayCreateBody = { ...common };
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
