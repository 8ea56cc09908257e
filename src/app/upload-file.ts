import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { clipEcho } from '../domain/clip-echo.js';
import { AppError, invalidField } from '../domain/errors.js';
import { storageUnavailable } from '../domain/storage-unavailable.js';
import { newId } from '../domain/ids.js';
import { mediaLimits, type MediaKind } from '../domain/media-rules.js';
import { declaredTypeMatches, formatsText, generationFormats, sniffHeadBytes, sniffMedia, type MediaFormat, type SniffedMedia } from '../domain/media-sniff.js';
import type { StoredFile } from '../domain/ports.js';
import type { AppDeps } from './deps.js';
import { liveOwnFile } from './media-sources.js';

export type UploadFileDeps = Pick<AppDeps, 'blobs' | 'files' | 'clock' | 'retention'>;

export interface UploadInput {
  keyId: string;
  /** The bytes, in order; read once, never buffered whole. */
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
  /** The client's Content-Type for the bytes (checked against the sniffed format). */
  declaredType: string | undefined;
  /** What this entry point accepts. */
  kinds: readonly MediaKind[];
  /** The formats it accepts; by default those the models take for these kinds. */
  formats?: readonly MediaFormat[];
  /** The request field errors name ('file', or e.g. 'image_urls[0]' for a data: URI). */
  param: string;
}

/** The largest upload any of these kinds allows (a cheap early refusal by Content-Length). */
export function maxUploadBytes(kinds: readonly MediaKind[]): number {
  return Math.max(...kinds.map((k) => mediaLimits[k].maxBytes));
}

export function tooLarge(param: string, kind: MediaKind | null, maxBytes: number): AppError {
  const what = kind ? `${kind} files` : 'uploads';
  return new AppError('payload_too_large', `${param}: ${what} may be at most ${maxBytes} bytes`, { param, reason: 'media_too_large' });
}

function checkFormat(input: UploadInput, sniffed: SniffedMedia | null): SniffedMedia {
  const formats = input.formats ?? input.kinds.flatMap((k) => generationFormats[k]);
  const accepted = formatsText(formats);
  if (!sniffed || !input.kinds.includes(sniffed.kind) || !formats.includes(sniffed.format)) {
    const found = sniffed ? `a ${sniffed.kind} (${sniffed.contentType})` : 'not a recognised media file';
    throw invalidField(input.param, 'unsupported_format', `${input.param}: expected ${accepted}; the content is ${found}`);
  }
  if (!declaredTypeMatches(input.declaredType, sniffed)) {
    throw invalidField(input.param, 'unsupported_format', `${input.param}: declared as '${clipEcho(input.declaredType ?? '')}' but the content is ${sniffed.contentType}`);
  }
  return sniffed;
}

interface Sink {
  body: PassThrough;
  /** Settles when storage has the whole file (or failed). */
  stored: Promise<void>;
  sniffed: SniffedMedia;
  maxBytes: number;
}

async function write(sink: Sink, chunk: Uint8Array): Promise<void> {
  if (sink.body.write(chunk)) return;
  // Storage failing mid-way rejects `stored`; a stream it stopped reading would never drain.
  const failed = sink.stored.then(
    () => Promise.reject(new Error('storage stopped reading the upload')),
    () => Promise.reject(storageUnavailable()),
  );
  await Promise.race([once(sink.body, 'drain'), failed]);
}

/**
 * Streams an upload to blob storage (uploads/{file_id}): sniffs the first bytes (the claimed type
 * must agree), enforces the size limit of the sniffed kind while writing, then records the file as
 * the key's until the upload retention ends. On any refusal the partial file is removed; the caller
 * owns the rest of the source (it may still hold unread bytes).
 */
export async function uploadFile(deps: UploadFileDeps, input: UploadInput): Promise<StoredFile> {
  const nowMs = deps.clock.nowMs();
  const id = newId('file', nowMs);
  const blobKey = `uploads/${id}`;
  let head: Uint8Array[] = [];
  let headBytes = 0;
  let bytes = 0;
  let open: Sink | null = null;

  // The first bytes decide the format (and so the size limit) before anything touches the disk.
  const begin = async (chunks: Uint8Array[]): Promise<Sink> => {
    const sniffed = checkFormat(input, sniffMedia(Buffer.concat(chunks)));
    const body = new PassThrough();
    const stored = deps.blobs.putStream(blobKey, body, { contentType: sniffed.contentType });
    // Awaited below (at the end, or after a refusal); never an unhandled rejection meanwhile.
    stored.catch(() => undefined);
    open = { body, stored, sniffed, maxBytes: mediaLimits[sniffed.kind].maxBytes };
    for (const c of chunks) await write(open, c);
    return open;
  };

  try {
    let sink: Sink | null = null;
    for await (const chunk of input.source) {
      bytes += chunk.length;
      const maxBytes = sink ? sink.maxBytes : maxUploadBytes(input.kinds);
      if (bytes > maxBytes) throw tooLarge(input.param, sink?.sniffed.kind ?? null, maxBytes);
      if (sink) {
        await write(sink, chunk);
        continue;
      }
      head.push(chunk);
      headBytes += chunk.length;
      if (headBytes >= sniffHeadBytes) {
        sink = await begin(head);
        if (bytes > sink.maxBytes) throw tooLarge(input.param, sink.sniffed.kind, sink.maxBytes);
        head = [];
      }
    }
    if (bytes === 0) throw invalidField(input.param, 'empty_file', `${input.param}: the file is empty`);
    sink ??= await begin(head);
    sink.body.end();
    await sink.stored.catch(() => Promise.reject(storageUnavailable()));
    const file: StoredFile = {
      id,
      keyId: input.keyId,
      blobKey,
      contentType: sink.sniffed.contentType,
      kind: sink.sniffed.kind,
      bytes,
      createdAtMs: nowMs,
      expiresAtMs: nowMs + deps.retention.uploadsMs,
    };
    await deps.files.insertFile(file);
    return file;
  } catch (e) {
    const partial = open as Sink | null;
    if (partial) {
      // A source that fails makes the store keep nothing; the delete covers a store that finished first.
      partial.body.destroy(e instanceof Error ? e : new Error(String(e)));
      await partial.stored.catch(() => undefined);
      await deps.blobs.delete(blobKey).catch(() => undefined);
    }
    throw e;
  }
}

/** Deletes a stored file: blob first, so a crash in between leaves a record that retention removes. */
export async function discardFile(deps: Pick<AppDeps, 'blobs' | 'files'>, file: StoredFile): Promise<void> {
  await deps.blobs.delete(file.blobKey);
  await deps.files.deleteFile(file.id);
}

export function fileNotFound(fileId: string): AppError {
  return new AppError('not_found', `No file with id '${clipEcho(fileId)}'`, { param: 'file_id', reason: 'file_not_found' });
}

/** A file of this key that is still kept; another key's, unknown and expired ids answer alike. */
export async function findOwnFile(deps: Pick<AppDeps, 'files' | 'clock'>, keyId: string, fileId: string): Promise<StoredFile> {
  const file = await liveOwnFile(deps, keyId, fileId);
  if (!file) throw fileNotFound(fileId);
  return file;
}
