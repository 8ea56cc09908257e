import { invalidField, type AppError } from './errors.js';
import type { ProbedMedia } from './media-rules.js';
import type { AspectRatio } from './output-size.js';
import { mapR2vMedia, r2vBilledSeconds, r2vHoldSeconds, r2vMedia, r2vModel } from './r2v-request.js';
import type { GenerationRequest, UnifiedRequest } from './request.js';
import type { MediaRef, MediaSet } from './request-media.js';
import {
  checkVideoEditSource,
  mapVideoEditMedia,
  videoEditBilledSeconds,
  videoEditHoldSeconds,
  videoEditLimits,
  videoEditMedia,
  videoEditModel,
  videoEditOutputSeconds,
} from './videoedit-request.js';

/**
 * The per-model rules beyond validation, for a request of any model of the family (told apart by
 * `model`): its media, the checks that need them probed, and its billing. Dispatching here keeps every
 * per-model rule in that model's own file (request.ts, r2v-request.ts, videoedit-request.ts); their
 * schemas and parsing are in request.ts, what GET /v1/models says about them in model-catalogue.ts.
 */

// ---------- media ----------

function unifiedMedia(r: UnifiedRequest): MediaRef[] {
  const list: MediaRef[] = [];
  if (r.firstFrameUrl) list.push({ place: { slot: 'firstFrame' }, role: 'image', url: r.firstFrameUrl, param: 'image_urls[0]' });
  if (r.lastFrameUrl) list.push({ place: { slot: 'lastFrame' }, role: 'image', url: r.lastFrameUrl, param: r.videoUrl ? 'image_with_roles' : 'image_urls[1]' });
  if (r.videoUrl) list.push({ place: { slot: 'video' }, role: 'video', url: r.videoUrl, param: 'video_urls[0]' });
  if (r.audioUrl) list.push({ place: { slot: 'audio' }, role: 'audio', url: r.audioUrl, param: 'audio_url' });
  return list;
}

const unifiedUrlKeys = { firstFrame: 'firstFrameUrl', lastFrame: 'lastFrameUrl', video: 'videoUrl', audio: 'audioUrl' } as const;

/** Every medium the request references, with the request field it came from and its limits. */
export function mediaOf(r: GenerationRequest): MediaRef[] {
  switch (r.model) {
    case 'wan2.7':
      return unifiedMedia(r);
    case r2vModel:
      return r2vMedia(r);
    case videoEditModel:
      return videoEditMedia(r);
  }
}

/** The request with every media URL passed through `map` (inline data: URIs re-hosted as files). */
export function mapMediaUrls(r: GenerationRequest, map: (ref: MediaRef) => string): GenerationRequest {
  switch (r.model) {
    case 'wan2.7': {
      const out: UnifiedRequest = { ...r };
      for (const ref of unifiedMedia(r)) if ('slot' in ref.place && ref.place.slot in unifiedUrlKeys) out[unifiedUrlKeys[ref.place.slot as keyof typeof unifiedUrlKeys]] = map(ref);
      return out;
    }
    case r2vModel:
      return mapR2vMedia(r, map);
    case videoEditModel:
      return mapVideoEditMedia(r, map);
  }
}

/** Request rules that need the probed media: a continuation must outlast its clip, an edit cannot outlast its source. */
export function checkProbedMedia(r: GenerationRequest, probes: MediaSet<{ probe: ProbedMedia }>): AppError | null {
  const clip = probes.video?.probe.durationSeconds;
  if (clip === undefined) return null;
  if (r.model === videoEditModel) return checkVideoEditSource(r, clip);
  if (r.model === 'wan2.7' && r.durationSeconds <= clip) {
    return invalidField(
      'duration',
      'duration_too_short',
      `duration (${r.durationSeconds} s) is the total length and must exceed the input clip (${clip.toFixed(2)} s)`,
    );
  }
  return null;
}

/** The aspect the request asks for where it applies: t2v, r2v without a first frame, videoedit when given. */
export function appliedAspect(r: GenerationRequest): AspectRatio | undefined {
  switch (r.model) {
    case 'wan2.7':
      return r.mode === 't2v' ? r.size : undefined;
    case r2vModel:
      return r.firstFrame ? undefined : r.size;
    case videoEditModel:
      return r.size;
  }
}

// ---------- billing ----------

/** The seconds the hold covers at create: each model's upper bound of what it may bill. */
export function holdSecondsOf(r: GenerationRequest): number {
  switch (r.model) {
    case 'wan2.7':
      return r.durationSeconds;
    case r2vModel:
      return r2vHoldSeconds(r);
    case videoEditModel:
      return videoEditHoldSeconds(r);
  }
}

/** What is known at the end of a render, to bill from when the engine itself does not say. */
export interface BillingFacts {
  /** Seconds of the finished video. */
  outputSeconds: number;
  /** r2v: each reference video's probed length; unknown (upstream engines) bills none. */
  referenceVideoSeconds?: readonly number[];
  /** videoedit: the probed source length; unknown bills the output's length in its place. */
  sourceVideoSeconds?: number;
}

/**
 * Seconds to bill by the model's rule when the engine reports none (the local engine, an upstream
 * without usage). wan2.7 bills what was asked, as it always has.
 */
export function billedSecondsOf(r: GenerationRequest, facts: BillingFacts): number {
  switch (r.model) {
    case 'wan2.7':
      return r.durationSeconds;
    case r2vModel:
      return r2vBilledSeconds(facts.outputSeconds, facts.referenceVideoSeconds ?? []);
    case videoEditModel:
      return videoEditBilledSeconds(facts.sourceVideoSeconds ?? facts.outputSeconds, facts.outputSeconds);
  }
}

/** The billing facts of local inputs (their probed lengths) and the output's length. */
export function billingFactsOf(inputs: MediaSet<{ probe: ProbedMedia }>, outputSeconds: number): BillingFacts {
  const source = inputs.video?.probe.durationSeconds;
  return {
    outputSeconds,
    referenceVideoSeconds: (inputs.referenceVideos ?? []).map((v) => v.media.probe.durationSeconds ?? 0),
    ...(source !== undefined && { sourceVideoSeconds: source }),
  };
}

/** The output length a request asks for, given its source's length (only videoedit depends on it). */
export function outputSecondsOf(r: GenerationRequest, sourceSeconds: number | undefined): number {
  return r.model === videoEditModel ? videoEditOutputSeconds(r, sourceSeconds ?? videoEditLimits.maxSourceSeconds) : r.durationSeconds;
}
