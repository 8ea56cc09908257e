import type { TaskDetails } from '../app/get-task.js';
import type { Reason } from '../domain/errors.js';
import { appliedAspect, outputSecondsOf } from '../domain/model-registry.js';
import { toMajor, type PriceTable } from '../domain/pricing.js';
import type { GenerationRequest } from '../domain/request.js';
import type { ReferenceField } from '../domain/request-media.js';
import { httpStatusOf } from './error-status.js';
import type { TaskJson } from './response-schemas.js';
import { localiseTaskErrorMessage, type TaskLanguage } from './task-error-language.js';

const seconds = (ms: number | null) => (ms === null ? undefined : Math.floor(ms / 1000));

/** The request's prompt and media, named as the create request names them (so it can be sent again). */
function presentInput(r: GenerationRequest): TaskJson['input'] {
  const text = {
    ...(r.prompt !== undefined && { prompt: r.prompt }),
    ...(r.negativePrompt !== undefined && { negative_prompt: r.negativePrompt }),
  };
  if (r.model === 'wan2.7-r2v') {
    const voiced = (ref: ReferenceField) => (ref.voice ? { reference_voice: ref.voice.url } : {});
    const images = [
      ...(r.firstFrame ? [{ url: r.firstFrame.url, role: 'first_frame' as const }] : []),
      ...r.referenceImages.map((ref) => ({ url: ref.url, role: 'reference_image' as const, ...voiced(ref) })),
    ];
    const videos = r.referenceVideos;
    return {
      ...text,
      ...(images.length > 0 && { image_with_roles: images }),
      ...(videos.some((v) => v.voice)
        ? { video_with_roles: videos.map((v) => ({ url: v.url, ...voiced(v) })) }
        : videos.length > 0 && { video_urls: videos.map((v) => v.url) }),
    };
  }
  if (r.model === 'wan2.7-videoedit') {
    return { ...text, video_urls: [r.video.url], ...(r.referenceImages.length > 0 && { image_urls: r.referenceImages.map((ref) => ref.url) }) };
  }
  const images = [
    ...(r.firstFrameUrl !== undefined ? [{ url: r.firstFrameUrl, role: 'first_frame' as const }] : []),
    ...(r.lastFrameUrl !== undefined ? [{ url: r.lastFrameUrl, role: 'last_frame' as const }] : []),
  ];
  return {
    ...text,
    ...(images.length > 0 && { image_with_roles: images }),
    ...(r.videoUrl !== undefined && { video_urls: [r.videoUrl] }),
    ...(r.audioUrl !== undefined && { audio_url: r.audioUrl }),
  };
}

/**
 * Renders a task in the spec's status shape (section 3), plus our own extra fields (schema: taskSchema).
 * `language` localises a failed task's error message (GET /v1/tasks/{id}?language=); English by default.
 */
export function presentTask(d: TaskDetails, prices: PriceTable, engineDescription: string, nowMs: number, language: TaskLanguage = 'en'): TaskJson {
  const t = d.task;
  const r = t.request;
  // Every terminal transition records what it charged (0 unless completed); until then, the quote.
  const costMinor = t.costMinor ?? t.quoteMinor;
  const endMs = t.completedAtMs ?? (t.startedAtMs !== null ? nowMs : null);
  const warnings: string[] = [];
  if (r.sizeIgnored) {
    warnings.push(
      r.model === 'wan2.7'
        ? 'size (aspect ratio) only applies to text-to-video; the output keeps the input aspect'
        : "size (aspect ratio) does not apply with a first frame; the output keeps the first frame's aspect",
    );
  }
  return {
    id: t.id,
    status: t.status,
    progress: t.status === 'completed' ? 100 : t.progress,
    mode: t.mode,
    model: r.model,
    engine: { id: t.engine, description: engineDescription },
    created: Math.floor(t.createdAtMs / 1000),
    started: seconds(t.startedAtMs),
    completed: seconds(t.completedAtMs),
    estimated_time: Math.ceil(outputSecondsOf(r, undefined) * (r.resolution === '1080P' ? 1.5 : 1) + 3),
    actual_time: t.startedAtMs !== null && endMs !== null ? Math.round((endMs - t.startedAtMs) / 1000) : undefined,
    queue_position: d.queuePosition ?? undefined,
    cost: toMajor(prices, costMinor),
    currency: prices.currency,
    parameters: {
      resolution: r.resolution,
      duration: r.durationSeconds,
      size: appliedAspect(r),
      ...(r.model === 'wan2.7-videoedit' && { audio_setting: r.audioSetting }),
      prompt_extend: r.promptExtend,
      watermark: r.watermark,
      seed: r.seed,
    },
    input: presentInput(r),
    ...(warnings.length > 0 && { warnings }),
    ...(t.status === 'completed' &&
      t.result && {
        result: {
          videos: [
            d.resultUrl
              ? {
                  url: [d.resultUrl.url],
                  expires_at: seconds(d.resultUrl.expiresAtMs),
                  width: t.result.width,
                  height: t.result.height,
                  duration: t.result.durationSeconds,
                  fps: t.result.fps,
                }
              : { url: [], expired: true, width: t.result.width, height: t.result.height, duration: t.result.durationSeconds, fps: t.result.fps },
          ],
        },
      }),
    ...(d.webhook && {
      webhook: {
        status: d.webhook.status,
        attempts: d.webhook.attempts,
        last_status_code: d.webhook.lastStatusCode,
        last_error: d.webhook.lastError,
        deliveries: d.webhook.deliveries,
      },
    }),
    // Retention deleted the video: the task stays, result.videos[0] says expired: true with no URL.
    ...(t.resultExpiredAtMs !== null && { result_expired_at: seconds(t.resultExpiredAtMs) }),
    ...(t.actualPrompt !== null && { actual_prompt: t.actualPrompt }),
    // The engines store only catalogued reasons (typed); a row from an older version shows what it stored.
    ...(t.status === 'failed' &&
      t.error && {
        error: {
          code: httpStatusOf(t.error.code)[0],
          type: httpStatusOf(t.error.code)[1],
          message: localiseTaskErrorMessage(t.error.reason, t.error.message, language),
          reason: t.error.reason as Reason,
        },
      }),
  };
}
