import type { RequestBody } from './http-client.js';
import { nodeFs } from './node-platform.js';
import type { GenerateParams, MediaInput, Uploadable } from './types.js';

export interface UploadBody {
  body: RequestBody;
  contentType: string;
}

function streamOf(source: AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> {
  const iterator = source[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { value, done } = await iterator.next();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}

/** The body of an upload: bytes, a Blob or File, a stream, or (in Node) a file path, read lazily from disk. */
export async function toUploadBody(input: Uploadable | string, contentType?: string): Promise<UploadBody> {
  // The server decides the type from the bytes; an unknown type claims nothing.
  const type = (declared?: string) => contentType ?? (declared || 'application/octet-stream');
  if (typeof input === 'string') return { body: await (await nodeFs('Uploading a file path')).openAsBlob(input), contentType: type() };
  if (input instanceof Blob) return { body: input, contentType: type(input.type) };
  if (input instanceof Uint8Array || input instanceof ArrayBuffer) return { body: input, contentType: type() };
  if (input instanceof ReadableStream) return { body: input, contentType: type() };
  return { body: streamOf(input), contentType: type() };
}

/**
 * The create request with every local input replaced by the URL of its upload (uploads run in
 * parallel); URLs and data: URIs are passed through as they are.
 */
export async function resolveMediaInputs(params: GenerateParams, upload: (input: Uploadable) => Promise<string>): Promise<Record<string, unknown>> {
  const url = (m: MediaInput) => (typeof m === 'string' ? m : upload(m));
  const all = <T>(items: T[] | undefined, f: (item: T) => Promise<unknown> | unknown) => (items ? Promise.all(items.map(f)) : undefined);
  const [imageUrls, imageWithRoles, videoUrls, audioUrl] = await Promise.all([
    all(params.image_urls, url),
    all(params.image_with_roles, async (img) => ({ ...img, url: await url(img.url) })),
    all(params.video_urls, url),
    params.audio_url === undefined ? undefined : url(params.audio_url),
  ]);
  return {
    ...params,
    ...(imageUrls && { image_urls: imageUrls }),
    ...(imageWithRoles && { image_with_roles: imageWithRoles }),
    ...(videoUrls && { video_urls: videoUrls }),
    ...(audioUrl !== undefined && { audio_url: audioUrl }),
  };
}
