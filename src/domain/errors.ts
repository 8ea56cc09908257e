/** Machine codes of every failure the product reports. The HTTP edge alone maps them to statuses. */
export const errorCodes = {
  invalid_request: 'invalid_request',
  mixed_media_not_allowed: 'mixed_media_not_allowed',
  unauthorized: 'unauthorized',
  forbidden: 'forbidden',
  not_found: 'not_found',
  conflict: 'conflict',
  payload_too_large: 'payload_too_large',
  /** The resource existed but retention deleted it (an expired task result). */
  gone: 'gone',
  range_not_satisfiable: 'range_not_satisfiable',
  precondition_failed: 'precondition_failed',
  payment_required: 'payment_required',
  rate_limited: 'rate_limited',
  internal: 'internal',
  upstream_unavailable: 'upstream_unavailable',
  /** The client did not send its whole request, or its headers, within the server's deadline. */
  request_timeout: 'request_timeout',
  headers_too_large: 'headers_too_large',
} as const;

export type ErrorCode = keyof typeof errorCodes;

/**
 * permanent: the same request (or task) fails the same way again; the worker never retries it.
 * retryable: it may succeed later unchanged; the worker retries a task with backoff.
 */
export type Retry = 'permanent' | 'retryable';

export interface ReasonSpec {
  /** The codes it is reported with (usually one; e.g. an unknown file id is a 404 on its own route and a 400 in a media field). */
  codes: readonly [ErrorCode, ...ErrorCode[]];
  retry: Retry;
  /** One line for the API documentation. */
  meaning: string;
}

const spec = <const Codes extends ReasonSpec['codes']>(codes: Codes, retry: Retry, meaning: string) => ({ codes, retry, meaning });
const bad = (meaning: string) => spec(['invalid_request'], 'permanent', meaning);

/**
 * Every `reason` a client can see, in an error answer or in a failed task's `error`: the one place
 * they are defined. The API documentation (openapi.json, the README's error table) is generated from
 * it, `reason` parameters are typed by it, and errors-catalogue.test.ts fails when a reason is
 * produced but not listed here or listed but never produced.
 *
 * Upstream engines: an upstream's own error codes (DashScope's `InvalidParameter`,
 * `DataInspectionFailed` ...) are never reasons. They are mapped to a reason of this catalogue and
 * kept, for people, in the message. A relay upstream speaks this same API, so its reasons pass
 * through when they are catalogued with the code the task fails with; any other becomes the relay's
 * generic reason (see toCataloguedReason).
 */
export const reasonCatalogue = {
  // ----- the request: body, fields, headers, query -----
  required: bad('A required field, header or body is missing.'),
  invalid_type: bad('The value has the wrong JSON type (or the body is not a JSON object).'),
  invalid_value: bad('The value is not one of the allowed values or not in the allowed format.'),
  too_short: bad('The text is shorter than allowed.'),
  too_long: bad('The text is longer than allowed.'),
  too_few: bad('The list has fewer items than allowed.'),
  too_many: bad('The list has more items than allowed.'),
  out_of_range: bad('The number is outside the allowed range.'),
  unknown_field: bad('A field or query parameter that does not exist (check its spelling).'),
  conflicting_alias: bad('A field and its alias (`size`/`aspect_ratio`, `callback_url`/`webhook`) are both given and disagree.'),
  duplicate_role: bad('Two images in `image_with_roles` have the same role.'),
  mixed_media_not_allowed: spec(['mixed_media_not_allowed', 'invalid_request'], 'permanent', 'A combination of images, video and audio that no mode accepts.'),
  unsupported_for_model: bad('A field, or a value of it, that another model of the family takes but the chosen one does not (e.g. `audio_url` with wan2.7-r2v).'),
  reference_required: bad('A wan2.7-r2v request has no reference image or video (a first frame alone is not enough).'),
  too_many_references: bad('A wan2.7-r2v request has more than 5 references, images and videos together (the first frame is not counted).'),
  voice_not_allowed: bad('A `reference_voice` is given on an item that cannot have one (a first frame).'),
  unsupported_url_scheme: bad('A media value is not an http(s) URL, a `data:` URI or an uploaded file (`file_…`).'),
  invalid_json: bad('The body is not valid JSON.'),
  forbidden_key: bad('The body has a key named `__proto__`, or `constructor` holding `prototype`; `param` names it.'),
  unsupported_content_type: bad('The Content-Type is not one the route accepts.'),
  invalid_content_length: bad('The Content-Length does not match the body.'),
  bad_request: bad('The HTTP request is malformed in another way.'),
  request_timeout: spec(['request_timeout'], 'retryable', 'The request, or its headers, did not arrive within the server\'s deadline (`HTTP_REQUEST_TIMEOUT_MS`, `HTTP_HEADERS_TIMEOUT_MS`).'),
  headers_too_large: spec(['headers_too_large'], 'permanent', 'The request headers are larger than the server accepts.'),
  path_segment_too_long: bad('A segment of the URL path is longer than any id (more than 100 characters).'),
  invalid_path: bad('The URL path is not valid (e.g. a malformed percent-encoding).'),
  body_too_large: spec(['payload_too_large'], 'permanent', 'The request body is larger than the server accepts.'),
  too_precise: bad('A money amount has more decimal places than the currency allows.'),
  negative_balance: bad("A credit would take the key's balance below zero."),
  balance_too_large: bad("A credit would let the key own more than the maximum (10^15 minor units: its balance plus the holds of its unfinished tasks)."),

  // ----- media: uploads, data: URIs, fetched URLs -----
  invalid_upload: bad('The multipart upload could not be read.'),
  empty_file: bad('The uploaded file is empty.'),
  invalid_data_uri: bad('A `data:` URI is malformed (only base64 `data:` URIs are accepted).'),
  media_too_large: spec(['invalid_request', 'payload_too_large'], 'permanent', 'A medium is larger than its kind allows (images 20 MB, videos 100 MB, audio 15 MB).'),
  unsupported_format: bad('A medium is not of an accepted format, or not the kind its field expects.'),
  unreadable_media: bad('A medium could not be read as an image, video or audio file.'),
  bad_dimensions: bad('An image or video side is outside the allowed pixel range.'),
  bad_aspect_ratio: bad('An image or video is more elongated than 1:8 or 8:1.'),
  bad_duration: bad('A video or audio input is shorter or longer than allowed.'),
  duration_too_short: bad("A continuation's `duration` does not exceed the length of its input clip."),
  duration_too_long: bad('A wan2.7-videoedit `duration` is longer than its source video.'),
  url_not_allowed: bad('A media URL points to an address the server refuses to fetch (private, loopback, metadata) or uses another scheme.'),
  fetch_failed: bad('A media URL could not be downloaded (no answer, a non-2xx status, a broken-off download).'),
  fetch_timeout: bad('Downloading a media URL took longer than the server allows.'),
  too_many_redirects: bad('A media URL redirected too many times.'),
  file_not_found: spec(['not_found', 'invalid_request'], 'permanent', "No such file for this key (unknown, another key's, or expired by retention)."),
  file_expired: spec(['not_found'], 'permanent', 'A signed file link points to a file that is no longer kept.'),
  public_base_url_required: bad('An uploaded file must be fetched by an upstream engine, but the server has no public address (`PUBLIC_BASE_URL`).'),

  // ----- keys, money and limits -----
  missing_api_key: spec(['unauthorized'], 'permanent', 'No `Authorization: Bearer <key>` header.'),
  invalid_api_key: spec(['unauthorized'], 'permanent', 'The API key is unknown, revoked or expired.'),
  insufficient_scope: spec(['forbidden'], 'permanent', 'The key lacks the scope the route needs (`admin`).'),
  invalid_signature: spec(['forbidden'], 'permanent', 'A signed link is invalid or has expired.'),
  insufficient_balance: spec(['payment_required'], 'permanent', "The key's balance does not cover the price of the request."),
  rate_limit_exceeded: spec(['rate_limited'], 'retryable', "The key's requests-per-minute limit is used up; see Retry-After."),
  queue_full: spec(['rate_limited'], 'retryable', 'The key has as many queued tasks as it may; see Retry-After.'),
  key_not_found: spec(['not_found'], 'permanent', 'No key with this id.'),
  invalid_session: spec(['unauthorized'], 'permanent', 'The web console session has ended (signed out), expired, or its key was revoked or expired.'),
  cross_site_request: spec(['forbidden'], 'permanent', "A request authenticated by the console's cookie did not come from this server's own pages (Origin)."),
  key_unlimited: spec(['conflict'], 'permanent', 'The key is unlimited and has no balance to credit.'),
  idempotency_key_reused: spec(['conflict'], 'permanent', 'The Idempotency-Key was already used with a different request body.'),

  // ----- tasks and their results -----
  task_not_found: spec(['not_found'], 'permanent', "No task with this id (unknown or another key's)."),
  model_not_found: spec(['not_found'], 'permanent', 'No model with this id on this server (see GET /v1/models).'),
  route_not_found: spec(['not_found'], 'permanent', 'No such route.'),
  result_not_ready: spec(['not_found'], 'retryable', 'The task has not completed yet.'),
  no_result: spec(['not_found'], 'permanent', 'The task ended without a result (failed or cancelled).'),
  result_expired: spec(['gone'], 'permanent', 'Retention deleted the result; the task keeps its metadata.'),
  not_cancellable: spec(['conflict'], 'permanent', 'The upstream has started the task and does not allow cancelling it now.'),
  task_already_finished: spec(['conflict'], 'permanent', 'The task has already ended.'),
  task_not_finished: spec(['conflict'], 'retryable', 'The task has not ended yet; its webhook is sent when it does.'),
  no_callback_url: spec(['conflict'], 'permanent', 'The task has no callback URL and its key no default webhook URL.'),
  range_not_satisfiable: spec(['range_not_satisfiable'], 'permanent', 'The Range lies outside the file.'),
  precondition_failed: spec(['precondition_failed'], 'permanent', 'If-Match / If-Unmodified-Since do not match the file.'),

  // ----- the server and its engines (a failed task's error) -----
  internal: spec(['internal'], 'retryable', 'A fault of the server, never of the request.'),
  engine_error: spec(['internal'], 'retryable', 'The engine failed unexpectedly.'),
  too_many_attempts: spec(['internal'], 'permanent', 'The task was tried the maximum number of times.'),
  bad_output: spec(['internal'], 'retryable', "The engine's output is not a readable video."),
  render_failed: spec(['internal'], 'retryable', 'The local engine (ffmpeg) failed to render.'),
  missing_input: spec(['internal'], 'permanent', 'The engine lacks an input the mode needs.'),
  not_pollable: spec(['internal'], 'permanent', 'The engine was asked to resume a task it cannot resume.'),
  bad_engine_state: spec(['internal'], 'permanent', "The task's saved engine state is unreadable."),
  console_not_built: spec(['upstream_unavailable'], 'permanent', "The web console's files are not built (run `npm install` or `npm run build:console`)."),

  // ----- upstream engines (DashScope, relay) -----
  content_moderation: bad("The upstream's content moderation refused the prompt or media."),
  upstream_invalid_parameter: bad('The upstream refused a parameter or medium of the request.'),
  upstream_bad_request: bad('The upstream refused the request (another 4xx).'),
  upstream_invalid_request: bad('The relay upstream refused the request for a reason this gateway does not catalogue (it is in the message).'),
  upstream_error: spec(['upstream_unavailable'], 'retryable', 'The upstream did not take the task (a 5xx, a network failure).'),
  upstream_failed: spec(['upstream_unavailable'], 'retryable', 'The upstream task failed on its side.'),
  upstream_cancelled: spec(['upstream_unavailable'], 'permanent', 'The upstream task was cancelled upstream, not through this gateway.'),
  upstream_task_expired: spec(['upstream_unavailable'], 'permanent', 'The upstream no longer knows the task (expired); any result is lost.'),
  upstream_channel_removed: spec(['upstream_unavailable'], 'permanent', 'The upstream channel that accepted the task is no longer configured.'),
  upstream_create_unreconciled: spec(['upstream_unavailable'], 'permanent', 'A create of unknown outcome could not be matched to an upstream task; failed rather than risk a duplicate.'),
  storage_unavailable: spec(['upstream_unavailable'], 'retryable', 'Object storage could not be reached or failed (a 5xx, a timeout, a cut connection); a task is retried.'),
  result_download_failed: spec(['upstream_unavailable'], 'retryable', "The upstream's result could not be downloaded."),
  bad_upstream_output: spec(['upstream_unavailable'], 'retryable', "The upstream's result is not a readable video."),
  bad_upstream_reply: spec(['upstream_unavailable'], 'permanent', "The upstream's answers about the task could not be read; failed rather than polled forever (the task may still run upstream)."),
  upstream_auth: spec(['upstream_unavailable'], 'retryable', "The relay upstream refused this gateway's API key."),
  upstream_payment_required: spec(['upstream_unavailable'], 'retryable', "The relay upstream refused for lack of balance on this gateway's key."),
  // A DashScope channel refusal sets that channel aside and another takes the task: seen in logs.
  upstream_invalid_api_key: spec(['upstream_unavailable'], 'retryable', "A DashScope channel's API key was refused."),
  upstream_access_denied: spec(['upstream_unavailable'], 'retryable', 'A DashScope channel may not use the model.'),
  upstream_arrearage: spec(['upstream_unavailable'], 'retryable', "A DashScope channel's account is in arrears."),
  model_not_available: spec(['upstream_unavailable'], 'permanent', 'No configured upstream channel serves the model: each answered "Model not exist" (its region may not offer it).'),
  upstream_not_found: spec(['upstream_unavailable'], 'retryable', "A DashScope channel's endpoint or model does not exist."),
} as const satisfies Record<string, ReasonSpec>;

export type Reason = keyof typeof reasonCatalogue;

/** The reasons catalogued with code C (with a union of codes: those of any of them). */
export type ReasonOf<C extends ErrorCode> = { [R in Reason]: C extends (typeof reasonCatalogue)[R]['codes'][number] ? R : never }[Reason];

export const reasons = Object.keys(reasonCatalogue) as [Reason, ...Reason[]];

export function isReason(value: unknown): value is Reason {
  return typeof value === 'string' && Object.hasOwn(reasonCatalogue, value);
}

/** Whether the worker may try again; an engine may still decline (e.g. an operator's setting), never insist. */
export function isRetryable(reason: string): boolean {
  return isReason(reason) && reasonCatalogue[reason].retry === 'retryable';
}

/**
 * A reason that came from elsewhere (a relay upstream's answer), kept only when catalogued with `code`;
 * otherwise `fallback`.
 */
export function toCataloguedReason<C extends ErrorCode>(value: unknown, code: C, fallback: ReasonOf<C>): ReasonOf<C> {
  return isReason(value) && (reasonCatalogue[value].codes as readonly ErrorCode[]).includes(code) ? (value as ReasonOf<C>) : fallback;
}

/** A failure with a catalogued (code, reason) pair, as engines report it. */
export type Failure = { [C in ErrorCode]: { code: C; reason: ReasonOf<C>; message: string } }[ErrorCode];

export interface AppErrorOptions<C extends ErrorCode> {
  param?: string;
  reason: ReasonOf<C>;
  cause?: unknown;
  retryAfterSeconds?: number;
}

class BaseAppError extends Error {
  readonly code: ErrorCode;
  readonly param: string | undefined;
  readonly reason: Reason;
  /** For rate limits: when the client may try again. */
  readonly retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode, message: string, opts: AppErrorOptions<ErrorCode>) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'AppError';
    this.code = code;
    this.param = opts.param;
    this.reason = opts.reason;
    this.retryAfterSeconds = opts.retryAfterSeconds;
  }
}

/**
 * The one base error: a machine code, a human message, the reason, and where known the offending field.
 * Its constructor accepts only a (code, reason) pair the catalogue lists; `instanceof AppError` still
 * narrows to a plain AppError (a generic class would narrow to AppError<any> and lose the types).
 */
export const AppError = BaseAppError as new <C extends ErrorCode>(code: C, message: string, opts: AppErrorOptions<C>) => BaseAppError;
export type AppError = BaseAppError;

/** An AppError of this code (narrows the reason to the code's reasons). */
export function isAppErrorOf<C extends ErrorCode>(e: unknown, code: C): e is AppError & { code: C; reason: ReasonOf<C> } {
  return e instanceof AppError && e.code === code;
}

export function invalidField(param: string, reason: ReasonOf<'invalid_request'>, message: string): AppError {
  return new AppError('invalid_request', message, { param, reason });
}
