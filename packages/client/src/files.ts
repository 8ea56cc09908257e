import type { HttpClient } from './http-client.js';
import type { FileObject, RequestOptions, Uploadable } from './types.js';
import { toUploadBody } from './uploads.js';

export interface UploadOptions extends RequestOptions {
  /** The file's type, when the input does not carry one (the server decides from the bytes either way). */
  contentType?: string;
}

export class Files {
  constructor(private readonly http: HttpClient) {}

  /**
   * POST /v1/files: an image, video or audio file, from bytes, a Blob or File, a stream, or (Node) a
   * file path. The answer's `url` works in any media field of a create by the same key.
   */
  async upload(input: Uploadable | string, opts: UploadOptions = {}): Promise<FileObject> {
    const { contentType, ...call } = opts;
    const { body, contentType: type } = await toUploadBody(input, contentType);
    // Sending an upload twice stores a second copy at worst: safe to resend.
    return this.http.data<FileObject>({ method: 'POST', path: '/v1/files', body, contentType: type, idempotent: true }, call);
  }

  /** GET /v1/files/{id}. */
  async retrieve(fileId: string, opts: RequestOptions = {}): Promise<FileObject> {
    return this.http.data<FileObject>({ method: 'GET', path: `/v1/files/${encodeURIComponent(fileId)}`, idempotent: true }, opts);
  }
}
