import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import type { AppDeps } from '../../app/deps.js';
import { fileNotFound, findOwnFile, maxUploadBytes, tooLarge, uploadFile, type UploadFileDeps, type UploadInput } from '../../app/upload-file.js';
import { AppError, invalidField } from '../../domain/errors.js';
import type { MediaKind } from '../../domain/media-rules.js';
import { imageUploadFormats } from '../../domain/media-sniff.js';
import type { StoredFile } from '../../domain/ports.js';
import { requireKey, type AuthDeps } from '../auth.js';
import { api } from '../openapi/api-catalogue.js';
import type { FileParams } from '../openapi/request-schemas.js';
import type { FileJson } from '../../present/response-schemas.js';
import { presentImageUpload } from '../../present/present-image-upload.js';
import { deliverBlob } from '../send-blob.js';
import { ownFileUrl } from '../../app/media-sources.js';

const allKinds: readonly MediaKind[] = ['image', 'video', 'audio'];

export function presentFile(file: StoredFile, deps: Pick<AppDeps, 'baseUrl'>): FileJson {
  return {
    id: file.id,
    object: 'file',
    url: ownFileUrl(deps, file.id),
    kind: file.kind,
    content_type: file.contentType,
    bytes: file.bytes,
    created: Math.floor(file.createdAtMs / 1000),
    expires_at: Math.floor(file.expiresAtMs / 1000),
  };
}

/** A client-side failure (malformed multipart, an upload cut short) is the client's 400, never a 500. */
function brokenUpload(e: unknown): AppError {
  if (e instanceof AppError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return invalidField('file', 'invalid_upload', `file: the upload could not be read (${message})`);
}

/** The stream's chunks, leaving the stream intact when the consumer stops early (it is drained later). */
async function* chunksOf(stream: Readable): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of stream.iterator({ destroyOnReturn: false })) yield chunk as Uint8Array;
  } catch (e) {
    throw brokenUpload(e);
  }
}

/** The upload's bytes and the type the client claims for them: a multipart field 'file', or the raw body. */
async function uploadSource(request: FastifyRequest, kinds: readonly MediaKind[]): Promise<{ stream: Readable; declaredType: string | undefined; filename: string | undefined }> {
  const maxBytes = maxUploadBytes(kinds);
  if (request.isMultipart()) {
    // busboy's own cap is a backstop only: the per-kind limit is enforced while streaming.
    let part;
    try {
      part = await request.file({ limits: { fileSize: maxBytes + 1, files: 1, fields: 20, parts: 25 }, throwFileSizeLimit: false });
    } catch (e) {
      // The plugin's own errors carry a 4xx status; busboy's parse errors do not.
      throw typeof (e as { statusCode?: unknown }).statusCode === 'number' ? e : brokenUpload(e);
    }
    if (!part || part.fieldname !== 'file') {
      part?.file.resume();
      throw invalidField('file', 'required', "Send the file in the multipart field 'file'");
    }
    // A part without a Content-Type is reported by busboy as text/plain: that claims nothing.
    return { stream: part.file, declaredType: part.mimetype === 'text/plain' ? undefined : part.mimetype, filename: part.filename };
  }
  const length = Number(request.headers['content-length']);
  if (Number.isFinite(length) && length > maxBytes) throw tooLarge('file', kinds.length === 1 ? kinds[0]! : null, maxBytes);
  // No body at all (Content-Length 0): nothing was parsed; the upload is empty.
  const body = request.body instanceof Readable ? request.body : Readable.from([]);
  return { stream: body, declaredType: request.headers['content-type'], filename: undefined };
}

/**
 * Uploads (POST /v1/files, and the seed platform's POST /v1/uploads/images for images) stream to
 * disk: in this scope no body parser buffers anything, so the 40 MB JSON bodyLimit does not apply
 * and the per-kind media limits do. Downloads are key-authenticated and owner-only.
 */
export function registerUploadRoutes(app: FastifyInstance, deps: AuthDeps & UploadFileDeps & Pick<AppDeps, 'baseUrl' | 'delivery'>): void {
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    await scope.register(multipart, { throwFileSizeLimit: false });
    // Any other body is the file itself, handed over unread as a stream.
    scope.addContentTypeParser('*', (_request, payload, done) => done(null, payload));

    const upload = (accepts: Pick<UploadInput, 'kinds' | 'formats'>, present: (file: StoredFile, filename: string | undefined) => unknown) =>
      async (request: FastifyRequest, reply: FastifyReply) => {
        let stream: Readable | undefined;
        try {
          const key = await requireKey(deps, request, 'user');
          const source = await uploadSource(request, accepts.kinds);
          stream = source.stream;
          const file = await uploadFile(deps, { ...accepts, keyId: key.id, source: chunksOf(stream), declaredType: source.declaredType, param: 'file' });
          return present(file, source.filename);
        } catch (e) {
          // Refused before the client finished sending: discard the rest and close the connection after
          // the answer, so the client reads the error instead of a reset, without us taking it all in.
          if (!request.raw.readableEnded) {
            reply.header('connection', 'close');
            stream?.resume();
            request.raw.resume();
          }
          throw e;
        }
      };
    scope.post(api.uploadFile.url, upload({ kinds: allKinds }, (file) => ({ code: 200, data: presentFile(file, deps) })));
    // The seed platform's image upload: its formats (GIF too) and its flat answer.
    scope.post(api.uploadImage.url, upload({ kinds: ['image'], formats: imageUploadFormats }, (file, filename) => presentImageUpload(file, filename, deps)));

    scope.get<{ Params: FileParams }>(api.getFile.url, async (request) => {
      const key = await requireKey(deps, request, 'user');
      return { code: 200, data: presentFile(await findOwnFile(deps, key.id, request.params.fileId), deps) };
    });

    scope.get<{ Params: FileParams }>(api.getFileContent.url, async (request, reply) => {
      const key = await requireKey(deps, request, 'user');
      const file = await findOwnFile(deps, key.id, request.params.fileId);
      // A blob gone from storage answers like an unknown file.
      // Owner-only content: browsers may keep it but must revalidate (ETag -> 304); shared caches may not.
      return deliverBlob(request, reply, deps, file.blobKey, { contentType: file.contentType, cacheControl: 'private, no-cache', missing: () => fileNotFound(file.id) });
    });
  });
}
