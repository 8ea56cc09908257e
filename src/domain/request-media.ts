import type { MediaRole } from './media-rules.js';

/**
 * The media of a request, whatever its model: where each one goes in an engine's input set, what it
 * is for (its limits) and the request field it came from (for error messages). Pure.
 */

/** A medium of a validated request: its URL and the request field it came from. */
export interface MediaField {
  url: string;
  /** The request field, e.g. `image_with_roles[2].url`, named by errors about this medium. */
  param: string;
}

/** An r2v reference (or a videoedit reference image): the medium and, optionally, its voice. */
export interface ReferenceField extends MediaField {
  voice?: MediaField;
}

/** One reference as an engine receives it: the image or video, and its voice when one was given. */
export interface Reference<T> {
  media: T;
  voice?: T;
}

/**
 * Every medium a request can carry, as T (a local file for the local engine, a URL for upstreams).
 * References keep the caller's order within each kind: it is what "Image n" / "Video n" count.
 */
export interface MediaSet<T> {
  firstFrame?: T;
  lastFrame?: T;
  /** wan2.7: the continuation clip; videoedit: the source video. */
  video?: T;
  audio?: T;
  referenceImages?: Reference<T>[];
  referenceVideos?: Reference<T>[];
}

export type SingleSlot = 'firstFrame' | 'lastFrame' | 'video' | 'audio';

export type MediaPlace = { slot: SingleSlot } | { slot: 'referenceImages' | 'referenceVideos'; index: number; voice: boolean };

/** One medium a request references, where it goes, and the limits it is checked against. */
export interface MediaRef {
  place: MediaPlace;
  role: MediaRole;
  url: string;
  param: string;
}

/** Puts one medium in its place in a set (references are filled in any order, voice or medium first). */
export function putMedia<T>(set: MediaSet<T>, place: MediaPlace, value: T): void {
  if (place.slot === 'referenceImages' || place.slot === 'referenceVideos') {
    const list = (set[place.slot] ??= []);
    const ref = (list[place.index] ??= {} as Reference<T>);
    if (place.voice) ref.voice = value;
    else ref.media = value;
    return;
  }
  set[place.slot] = value;
}

/** The refs of a list of references: each medium, then its voice. */
export function referenceRefs(list: readonly ReferenceField[], slot: 'referenceImages' | 'referenceVideos', role: MediaRole): MediaRef[] {
  return list.flatMap((ref, index) => [
    { place: { slot, index, voice: false }, role, url: ref.url, param: ref.param },
    ...(ref.voice ? [{ place: { slot, index, voice: true }, role: 'reference_voice' as const, url: ref.voice.url, param: ref.voice.param }] : []),
  ]);
}

/** A list of references with every URL passed through `map` (e.g. inline data: URIs re-hosted as files). */
export function mapReferences(list: readonly ReferenceField[], slot: 'referenceImages' | 'referenceVideos', role: MediaRole, map: (ref: MediaRef) => string): ReferenceField[] {
  return list.map((ref, index) => ({
    url: map({ place: { slot, index, voice: false }, role, url: ref.url, param: ref.param }),
    param: ref.param,
    ...(ref.voice && {
      voice: { url: map({ place: { slot, index, voice: true }, role: 'reference_voice', url: ref.voice.url, param: ref.voice.param }), param: ref.voice.param },
    }),
  }));
}
