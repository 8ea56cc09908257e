/**
 * Generated from openapi.json by `npm run openapi` (openapi-typescript). Do not edit.
 */


export interface paths {
  "/v1/videos/generations": {
    /**
     * Create a video generation
     * @description One endpoint for the Wan2.7 family, selected by `model`: `wan2.7` (text-to-video, first frame, first + last frame, continuation), `wan2.7-r2v` (reference-to-video) and `wan2.7-videoedit` (video editing); GET /v1/models lists them with their limits and prices. Validates, routes and quotes the request (the hold is the model's upper bound of what it may bill), then queues it. Unknown fields are refused, and fields another model of the family takes are refused with `unsupported_for_model`. Media URLs may be http(s) URLs, URLs from /v1/files, or data: URIs. wan2.7 defaults: resolution 1080P, duration 5, size 16:9 (text-to-video only), prompt_extend true, watermark false, seed random.
     */
    post: operations["createGeneration"];
  };
  "/v1/tasks/{taskId}": {
    /** Task status */
    get: operations["getTask"];
  };
  "/v1/tasks/{taskId}/cancel": {
    /**
     * Cancel a task
     * @description Cancels a pending or processing task and releases its hold. Cancelling a cancelled task answers it as it is; a completed or failed task, or an upstream task that can no longer be cancelled, is a 409.
     */
    post: operations["cancelTask"];
  };
  "/v1/tasks": {
    /** List own tasks */
    get: operations["listTasks"];
  };
  "/v1/tasks/{taskId}/content": {
    /**
     * Download a task's video
     * @description The MP4 of a completed task, with HTTP Range and ETag. 410 once retention deleted it.
     */
    get: operations["getTaskContent"];
  };
  "/v1/tasks/{taskId}/events": {
    /** Task status stream (SSE) */
    get: operations["streamTaskEvents"];
  };
  "/v1/tasks/{taskId}/webhooks": {
    /** A task's webhook deliveries */
    get: operations["listTaskWebhooks"];
  };
  "/v1/tasks/{taskId}/webhooks/redeliver": {
    /**
     * Send a task's terminal webhook again
     * @description Only once the task ended and when it has a callback URL (its own or its key's default); otherwise 409. At most one redelivery is pending per task: while one is, a repeat answers with it.
     */
    post: operations["redeliverTaskWebhook"];
  };
  "/v1/files": {
    /**
     * Upload a file (image, video, audio)
     * @description The answer carries a URL usable in any media field of create. Limits: image 20 MB, video 100 MB, audio 15 MB.
     */
    post: operations["uploadFile"];
  };
  "/v1/uploads/images": {
    /**
     * Upload an image (seed platform path)
     * @description The seed platform's image upload and its flat answer. JPEG, PNG, GIF, WebP (and BMP), decided by the bytes; at most 20 MB (else 413). The URL works in the image fields of create until `expires_at` (72 h by default); the models take JPEG, PNG, BMP and WEBP frames, so a GIF fails the task that uses it (`unsupported_format`).
     */
    post: operations["uploadImage"];
  };
  "/v1/files/{fileId}": {
    /** An uploaded file */
    get: operations["getFile"];
  };
  "/v1/files/{fileId}/content": {
    /** Download an uploaded file's bytes */
    get: operations["getFileContent"];
  };
  "/files/{path}": {
    /**
     * Download through a signed URL
     * @description Result URLs work without the API key: the signature is the credential, until the link expires.
     */
    get: operations["getSignedFile"];
  };
  "/v1/me": {
    /** The calling key: settings, balance, webhook secret */
    get: operations["getOwnKey"];
  };
  "/v1/usage": {
    /** The calling key's usage and ledger */
    get: operations["getOwnUsage"];
  };
  "/admin/keys": {
    /**
     * List API keys
     * @description Requires a key with the `admin` scope.
     */
    get: operations["listKeys"];
    /**
     * Create an API key
     * @description Requires a key with the `admin` scope.
     */
    post: operations["createKey"];
  };
  "/admin/keys/{keyId}": {
    /**
     * An API key
     * @description Requires a key with the `admin` scope.
     */
    get: operations["getKey"];
    /**
     * Revoke an API key (DELETE form)
     * @description Requires a key with the `admin` scope.
     */
    delete: operations["deleteKey"];
    /**
     * Change an API key
     * @description Requires a key with the `admin` scope.
     */
    patch: operations["updateKey"];
  };
  "/admin/keys/{keyId}/revoke": {
    /**
     * Revoke an API key
     * @description Requires a key with the `admin` scope.
     */
    post: operations["revokeKey"];
  };
  "/admin/keys/{keyId}/credit": {
    /**
     * Credit (or adjust) a key's balance
     * @description Requires a key with the `admin` scope.
     */
    post: operations["creditKey"];
  };
  "/admin/usage": {
    /**
     * Everyone's usage and ledger
     * @description Requires a key with the `admin` scope.
     */
    get: operations["getUsage"];
  };
  "/admin/server": {
    /**
     * The server's engine and settings
     * @description What the admin console shows: engines, billing, prices, retention, webhook schedule. Never a secret.
     *
     * Requires a key with the `admin` scope.
     */
    get: operations["getServerInfo"];
  };
  "/v1/models": {
    /**
     * The models this server offers
     * @description An OpenAI-style list: each model with its operation, modes, fields, limits, defaults, price per second per resolution and the engine that runs it. Needs no key.
     */
    get: operations["listModels"];
  };
  "/v1/model-schema": {
    /**
     * A model's request as JSON Schema
     * @description The JSON Schema (draft 2020-12) of the create request of a model, without `model`: generated from the schema that validates create, so it cannot drift. Needs no key.
     */
    get: operations["getModelSchema"];
  };
  "/v1/model-docs": {
    /**
     * A model's reference (Markdown)
     * @description The model's reference in Markdown (fields, limits, modes, examples, billing), generated from the same schemas as this document; also served as Markdown at `markdown_url` and as a page at `doc_url`. Needs no key.
     */
    get: operations["getModelDocs"];
  };
  "/docs/models/{model}.md": {
    /** A model's reference as Markdown */
    get: operations["getModelDocsMarkdown"];
  };
  "/docs/models/{model}": {
    /** A model's reference as a page */
    get: operations["getModelDocsPage"];
  };
  "/console/session": {
    /**
     * Sign in to the web console
     * @description Exchanges an API key (in the body only) for a session cookie: HttpOnly, SameSite=Strict, Secure over HTTPS, signed, expiring (CONSOLE_SESSION_HOURS, never after the key expires). The cookie then authenticates any route like the key, as long as the key stays valid; state-changing requests must come from this server's pages (Origin). A cross-site Origin is a 403.
     */
    post: operations["createSession"];
    /**
     * Sign out of the web console
     * @description Ends the session of the cookie sent (every copy of it stops working) and clears the cookie.
     */
    delete: operations["deleteSession"];
  };
  "/healthz": {
    /** Liveness */
    get: operations["health"];
  };
  "/readyz": {
    /**
     * Readiness
     * @description Whether this process should get traffic: 200 when it is not draining and its store (and object storage, when configured) answer; 503 otherwise. Redis is reported but does not make the process unready: the per-minute limiter then counts per process.
     */
    get: operations["readiness"];
  };
  "/metrics": {
    /**
     * Prometheus metrics
     * @description HTTP, task, queue, upstream, webhook and ledger metrics of this process. Also served without a key on METRICS_PORT (loopback by default).
     *
     * Requires a key with the `admin` scope.
     */
    get: operations["metrics"];
  };
  "/openapi.json": {
    /** This OpenAPI document */
    get: operations["getOpenApiDocument"];
  };
  "/docs": {
    /**
     * Interactive API docs
     * @description Swagger UI for this document, served from this server (works offline).
     */
    get: operations["getDocs"];
  };
}

export type webhooks = Record<string, never>;

export interface components {
  schemas: {
    /** @description The create body of any model of the family, told apart by `model`. */
    CreateVideoGenerationRequest: components["schemas"]["CreateGenerationRequest"] | components["schemas"]["CreateReferenceToVideoRequest"] | components["schemas"]["CreateVideoEditRequest"];
    CreateGenerationRequest: {
      /**
       * @description The model: `wan2.7` (text-to-video, image-to-video and continuation, chosen by the media given).
       * @constant
       */
      model: "wan2.7";
      /** @description What the video shows. Required for text-to-video (no image or video given). */
      prompt?: string;
      /** @description What the video should not show. */
      negative_prompt?: string;
      /** @description 1 image: the first frame; 2 images: first and last frame. JPEG, PNG, BMP or WEBP. Not together with `image_with_roles`. */
      image_urls?: string[];
      /** @description Frames with their roles (`first_frame`, the default, or `last_frame`; each at most once). A last frame needs a first frame or a video. */
      image_with_roles?: ({
          /** @description An http(s) URL, a base64 `data:` URI, or an uploaded file's URL or id (`file_…`). */
          url: string;
          /**
           * @default first_frame
           * @enum {string}
           */
          role?: "first_frame" | "last_frame";
        })[];
      /** @description Continuation: the clip to continue (MP4 or MOV, 2..10 s); only the first is used. */
      video_urls?: string[];
      /** @description Text-to-video: background music; image-to-video: driving audio (WAV or MP3, 2..30 s). Not with a video. */
      audio_url?: string;
      /** @description Seconds of output (default 5). For a continuation, the total length including the input clip. */
      duration?: number;
      /** @description Output resolution: 720P or 1080P (default 1080P), in any letter case. */
      resolution?: string;
      /**
       * @description Aspect ratio (default 16:9); text-to-video only (image-to-video keeps the input aspect).
       * @enum {string}
       */
      size?: "16:9" | "9:16" | "1:1" | "4:3" | "3:4";
      /**
       * @description Alias of `size`.
       * @enum {string}
       */
      aspect_ratio?: "16:9" | "9:16" | "1:1" | "4:3" | "3:4";
      /** @description Intelligent prompt rewriting (default true). */
      prompt_extend?: boolean;
      /** @description Adds an "AI Generated" mark, lower right (default false). */
      watermark?: boolean;
      /** @description Random seed (default: random). */
      seed?: number;
      /**
       * Format: uri
       * @description Webhook for the terminal state (default: the key's webhook URL).
       */
      callback_url?: string;
      /**
       * Format: uri
       * @description Alias of `callback_url`.
       */
      webhook?: string;
    };
    /** @description wan2.7-r2v: reference-to-video. 1..5 references (images and videos together), at least one of them not a first frame. */
    CreateReferenceToVideoRequest: {
      /** @constant */
      model: "wan2.7-r2v";
      /** @description Required. Name the references "Image 1", "Image 2"… and "Video 1", "Video 2"…, counted per kind in the order given (the first frame is not counted). */
      prompt: string;
      negative_prompt?: string;
      /** @description Reference images (role `reference_image`, the default) and at most one `first_frame`. Not together with `image_urls`. */
      image_with_roles?: ({
          /** @description An http(s) URL, a base64 `data:` URI, or an uploaded file's URL or id (`file_…`). */
          url: string;
          /**
           * @default reference_image
           * @enum {string}
           */
          role?: "reference_image" | "first_frame";
          /** @description Only on `reference_image` items. */
          reference_voice?: string;
        })[];
      /** @description Plain reference images. Not together with `image_with_roles`. */
      image_urls?: string[];
      /** @description Reference videos (MP4/MOV, 1..30 s); their own sound is their voice. */
      video_urls?: string[];
      /** @description Reference videos with a voice each. Not together with `video_urls`. */
      video_with_roles?: {
          /** @description An http(s) URL, a base64 `data:` URI, or an uploaded file's URL or id (`file_…`). */
          url: string;
          /** @description A WAV or MP3 voice for this reference, 1..10 s. */
          reference_voice?: string;
        }[];
      /** @description Seconds, 2..15 (2..10 with any reference video). Default 5. */
      duration?: number;
      /** @description Output resolution: 720P or 1080P (default 1080P), in any letter case. */
      resolution?: string;
      /**
       * @description Aspect ratio (default 16:9); text-to-video only (image-to-video keeps the input aspect).
       * @enum {string}
       */
      size?: "16:9" | "9:16" | "1:1" | "4:3" | "3:4";
      /**
       * @description Alias of `size`.
       * @enum {string}
       */
      aspect_ratio?: "16:9" | "9:16" | "1:1" | "4:3" | "3:4";
      /** @description Intelligent prompt rewriting (default true). */
      prompt_extend?: boolean;
      /** @description Adds an "AI Generated" mark, lower right (default false). */
      watermark?: boolean;
      /** @description Random seed (default: random). */
      seed?: number;
      /**
       * Format: uri
       * @description Webhook for the terminal state (default: the key's webhook URL).
       */
      callback_url?: string;
      /**
       * Format: uri
       * @description Alias of `callback_url`.
       */
      webhook?: string;
    };
    /** @description wan2.7-videoedit: edit a video by instruction and reference images. `size` omitted: the output follows the source aspect. */
    CreateVideoEditRequest: {
      /** @constant */
      model: "wan2.7-videoedit";
      /** @description The edit to make. Omitted: the model applies a default style transfer. */
      prompt?: string;
      negative_prompt?: string;
      /** @description Required: the source video (MP4/MOV, 2..10 s). Only the first is used, as for continuation. */
      video_urls: string[];
      /** @description 0..4 reference images (e.g. the clothes to put on). */
      image_urls?: string[];
      /** @description The same reference images in the role form; only `reference_image`. Not together with `image_urls`. */
      image_with_roles?: {
          /** @description An http(s) URL, a base64 `data:` URI, or an uploaded file's URL or id (`file_…`). */
          url: string;
          /**
           * @default reference_image
           * @constant
           */
          role?: "reference_image";
        }[];
      /** @description 0 (default): keep the source length; 2..10: cut the output to this many seconds from the start (not longer than the source). */
      duration?: number;
      /**
       * @description `auto` (default): the model decides the sound; `origin`: keep the source audio.
       * @enum {string}
       */
      audio_setting?: "auto" | "origin";
      /** @description Output resolution: 720P or 1080P (default 1080P), in any letter case. */
      resolution?: string;
      /**
       * @description Aspect ratio (default 16:9); text-to-video only (image-to-video keeps the input aspect).
       * @enum {string}
       */
      size?: "16:9" | "9:16" | "1:1" | "4:3" | "3:4";
      /**
       * @description Alias of `size`.
       * @enum {string}
       */
      aspect_ratio?: "16:9" | "9:16" | "1:1" | "4:3" | "3:4";
      /** @description Intelligent prompt rewriting (default true). */
      prompt_extend?: boolean;
      /** @description Adds an "AI Generated" mark, lower right (default false). */
      watermark?: boolean;
      /** @description Random seed (default: random). */
      seed?: number;
      /**
       * Format: uri
       * @description Webhook for the terminal state (default: the key's webhook URL).
       */
      callback_url?: string;
      /**
       * Format: uri
       * @description Alias of `callback_url`.
       */
      webhook?: string;
    };
    CreateKeyRequest: {
      name: string;
      /**
       * @default [
       *   "user"
       * ]
       */
      scopes?: ("admin" | "user")[];
      /** @description Expiry (unix seconds); none = never. */
      expires_at?: number;
      /** @description Starting balance in major units; none = unlimited. */
      balance?: number;
      limits?: components["schemas"]["KeyLimitsInput"];
      /**
       * Format: uri
       * @description Default webhook for this key's tasks (a task's callback_url wins).
       */
      webhook_url?: string;
    };
    UpdateKeyRequest: {
      name?: string;
      scopes?: ("admin" | "user")[];
      /** @description Expiry (unix seconds); null = never. */
      expires_at?: number | null;
      limits?: components["schemas"]["KeyLimitsInput"];
      webhook_url?: string | null;
      /** @description true: no balance check; false: give the key a balance (starting at 0). */
      unlimited?: boolean;
    };
    KeyLimitsInput: {
      /** @description Requests per minute on /v1 routes; null = no limit. */
      requests_per_minute?: number | null;
      /** @description Tasks of this key processing at once; null = no limit. */
      max_running?: number | null;
      /** @description Tasks of this key waiting in the queue; null = no limit. */
      max_queued?: number | null;
    };
    CreditRequest: {
      /** @description Major units; negative for an adjustment. At most as many decimals as the currency has. */
      amount: number;
      note?: string;
    };
    MultipartUpload: {
      /**
       * Format: binary
       * @description The image, video or audio file.
       */
      file: string;
    };
    /** @description The error envelope of every endpoint. */
    ErrorEnvelope: {
      error: {
        /** @description The HTTP status. */
        code: number;
        /** @enum {string} */
        type: "invalid_request_error" | "authentication_error" | "payment_required" | "permission_error" | "not_found_error" | "conflict_error" | "rate_limit_error" | "server_error" | "bad_gateway" | "service_unavailable";
        /** @description For humans; may change. */
        message: string;
        /** @description The offending field, query parameter or header, where there is one. */
        param?: string;
        reason: components["schemas"]["ErrorReason"];
      };
      /** @description `req_…`, also in the `x-request-id` header. */
      request_id: string;
    };
    /**
     * @description The machine code of a failure: stable, one per rule. `permanent`: the same request (or task) fails the same way again; `retryable`: it may succeed later unchanged (failed tasks are retried by the server first). New reasons may be added: handle an unknown one by the error's `type`. An upstream's own error codes are never reasons: DashScope's are mapped to these and quoted in `message`; a relay upstream's reason passes through when it is one of these, else it becomes `upstream_invalid_request` with the original in `message`.
     * @enum {string}
     */
    ErrorReason: "required" | "invalid_type" | "invalid_value" | "too_short" | "too_long" | "too_few" | "too_many" | "out_of_range" | "unknown_field" | "conflicting_alias" | "duplicate_role" | "mixed_media_not_allowed" | "unsupported_for_model" | "reference_required" | "too_many_references" | "voice_not_allowed" | "unsupported_url_scheme" | "invalid_json" | "forbidden_key" | "unsupported_content_type" | "invalid_content_length" | "bad_request" | "request_timeout" | "headers_too_large" | "path_segment_too_long" | "invalid_path" | "body_too_large" | "too_precise" | "negative_balance" | "balance_too_large" | "invalid_upload" | "empty_file" | "invalid_data_uri" | "media_too_large" | "unsupported_format" | "unreadable_media" | "bad_dimensions" | "bad_aspect_ratio" | "bad_duration" | "duration_too_short" | "duration_too_long" | "url_not_allowed" | "fetch_failed" | "fetch_timeout" | "too_many_redirects" | "file_not_found" | "file_expired" | "public_base_url_required" | "missing_api_key" | "invalid_api_key" | "insufficient_scope" | "invalid_signature" | "insufficient_balance" | "rate_limit_exceeded" | "queue_full" | "key_not_found" | "invalid_session" | "cross_site_request" | "key_unlimited" | "idempotency_key_reused" | "task_not_found" | "model_not_found" | "route_not_found" | "result_not_ready" | "no_result" | "result_expired" | "not_cancellable" | "task_already_finished" | "task_not_finished" | "no_callback_url" | "range_not_satisfiable" | "precondition_failed" | "internal" | "engine_error" | "too_many_attempts" | "bad_output" | "render_failed" | "missing_input" | "not_pollable" | "bad_engine_state" | "console_not_built" | "content_moderation" | "upstream_invalid_parameter" | "upstream_bad_request" | "upstream_invalid_request" | "upstream_error" | "upstream_failed" | "upstream_cancelled" | "upstream_task_expired" | "upstream_channel_removed" | "upstream_create_unreconciled" | "storage_unavailable" | "result_download_failed" | "bad_upstream_output" | "bad_upstream_reply" | "upstream_auth" | "upstream_payment_required" | "upstream_invalid_api_key" | "upstream_access_denied" | "upstream_arrearage" | "model_not_available" | "upstream_not_found";
    /** @description A generation task (spec section 3). */
    Task: {
      /** @description `task_` + a 26-character ULID. */
      id: string;
      /**
       * @description Clients must treat an unknown non-terminal status as "keep polling".
       * @enum {string}
       */
      status: "pending" | "processing" | "completed" | "failed" | "cancelled";
      progress: number;
      /**
       * @description wan2.7: `t2v`, `i2v_first_frame`, `i2v_first_last`, `video_continuation`; wan2.7-r2v: `r2v`, `r2v_first_frame`; wan2.7-videoedit: `video_edit`.
       * @enum {string}
       */
      mode: "t2v" | "i2v_first_frame" | "i2v_first_last" | "video_continuation" | "r2v" | "r2v_first_frame" | "video_edit";
      /** @enum {string} */
      model: "wan2.7" | "wan2.7-r2v" | "wan2.7-videoedit";
      engine: {
        id: string;
        description: string;
      };
      /** @description Unix seconds. */
      created: number;
      /** @description Unix seconds. */
      started?: number;
      /** @description Unix seconds. */
      completed?: number;
      /** @description Seconds the render is expected to take. */
      estimated_time: number;
      /** @description Seconds since the render started (final once completed). */
      actual_time?: number;
      /** @description While pending: tasks ahead in the queue. */
      queue_position?: number;
      /** @description The hold while pending or processing, the captured price once completed, 0 when failed or cancelled. */
      cost: number;
      currency: string;
      parameters: {
        /** @enum {string} */
        resolution: "720P" | "1080P";
        /** @description Seconds (wan2.7-videoedit: 0 = the length of the source video). */
        duration: number;
        /**
         * @description Where it applies: text-to-video, wan2.7-r2v without a first frame, wan2.7-videoedit when given.
         * @enum {string}
         */
        size?: "16:9" | "9:16" | "1:1" | "4:3" | "3:4";
        /**
         * @description wan2.7-videoedit only.
         * @enum {string}
         */
        audio_setting?: "auto" | "origin";
        prompt_extend: boolean;
        watermark: boolean;
        seed: number;
      };
      /** @description What was asked, in the fields of the create request (inline data: media appear as the file URLs they were stored under). */
      input: {
        prompt?: string;
        negative_prompt?: string;
        image_with_roles?: ({
            url: string;
            /** @enum {string} */
            role: "first_frame" | "last_frame" | "reference_image";
            reference_voice?: string;
          })[];
        /** @description wan2.7-videoedit: the reference images. */
        image_urls?: string[];
        video_urls?: string[];
        /** @description wan2.7-r2v: reference videos with their voices. */
        video_with_roles?: {
            url: string;
            reference_voice?: string;
          }[];
        audio_url?: string;
      };
      warnings?: string[];
      /** @description Only when completed. */
      result?: {
        videos: {
            /** @description One signed URL that works without the API key until `expires_at`; empty once the video expired. */
            url: string[];
            /** @description Unix seconds. */
            expires_at?: number;
            /**
             * @description Retention deleted the video; the task keeps its metadata.
             * @constant
             */
            expired?: true;
            width: number;
            height: number;
            /** @description Seconds. */
            duration: number;
            fps: number;
          }[];
      };
      /** @description The task's latest webhook delivery (GET /v1/tasks/{taskId} only). */
      webhook?: {
        /** @enum {string} */
        status: "pending" | "delivered" | "failed";
        attempts: number;
        last_status_code: number | null;
        last_error: string | null;
        /** @description Deliveries of this task so far (redeliveries included). */
        deliveries: number;
      };
      /** @description When retention deleted the video. */
      result_expired_at?: number;
      /** @description The prompt after intelligent rewriting. */
      actual_prompt?: string;
      /** @description Only when failed. */
      error?: {
        /** @description HTTP status the failure maps to. */
        code: number;
        /** @enum {string} */
        type: "invalid_request_error" | "authentication_error" | "payment_required" | "permission_error" | "not_found_error" | "conflict_error" | "rate_limit_error" | "server_error" | "bad_gateway" | "service_unavailable";
        message: string;
        reason: components["schemas"]["ErrorReason"];
      };
    };
    /** @description The seed platform shape: one entry per created task. */
    CreateGenerationReply: {
      /** @constant */
      code: 200;
      data: ({
          /**
           * @description `submitted`, or the terminal status when `Prefer: wait` saw the task end.
           * @enum {string}
           */
          status: "submitted" | "completed" | "failed" | "cancelled";
          task_id: string;
        })[];
    };
    /** @description Response version 2026-07-27 of create: one task object. */
    CreateGenerationReply20260727: {
      data: {
        /** @constant */
        object: "generation.task";
        /** @description `task_` + a 26-character ULID. */
        id: string;
        /**
         * @description Clients must treat an unknown non-terminal status as "keep polling".
         * @enum {string}
         */
        status: "pending" | "processing" | "completed" | "failed" | "cancelled";
        progress: number;
        /**
         * @description wan2.7: `t2v`, `i2v_first_frame`, `i2v_first_last`, `video_continuation`; wan2.7-r2v: `r2v`, `r2v_first_frame`; wan2.7-videoedit: `video_edit`.
         * @enum {string}
         */
        mode: "t2v" | "i2v_first_frame" | "i2v_first_last" | "video_continuation" | "r2v" | "r2v_first_frame" | "video_edit";
        /** @enum {string} */
        model: "wan2.7" | "wan2.7-r2v" | "wan2.7-videoedit";
        engine: {
          id: string;
          description: string;
        };
        /** @description Unix seconds. */
        created: number;
        /** @description Unix seconds. */
        started?: number;
        /** @description Unix seconds. */
        completed?: number;
        /** @description Seconds the render is expected to take. */
        estimated_time: number;
        /** @description Seconds since the render started (final once completed). */
        actual_time?: number;
        /** @description While pending: tasks ahead in the queue. */
        queue_position?: number;
        /** @description The hold while pending or processing, the captured price once completed, 0 when failed or cancelled. */
        cost: number;
        currency: string;
        parameters: {
          /** @enum {string} */
          resolution: "720P" | "1080P";
          /** @description Seconds (wan2.7-videoedit: 0 = the length of the source video). */
          duration: number;
          /**
           * @description Where it applies: text-to-video, wan2.7-r2v without a first frame, wan2.7-videoedit when given.
           * @enum {string}
           */
          size?: "16:9" | "9:16" | "1:1" | "4:3" | "3:4";
          /**
           * @description wan2.7-videoedit only.
           * @enum {string}
           */
          audio_setting?: "auto" | "origin";
          prompt_extend: boolean;
          watermark: boolean;
          seed: number;
        };
        /** @description What was asked, in the fields of the create request (inline data: media appear as the file URLs they were stored under). */
        input: {
          prompt?: string;
          negative_prompt?: string;
          image_with_roles?: ({
              url: string;
              /** @enum {string} */
              role: "first_frame" | "last_frame" | "reference_image";
              reference_voice?: string;
            })[];
          /** @description wan2.7-videoedit: the reference images. */
          image_urls?: string[];
          video_urls?: string[];
          /** @description wan2.7-r2v: reference videos with their voices. */
          video_with_roles?: {
              url: string;
              reference_voice?: string;
            }[];
          audio_url?: string;
        };
        warnings?: string[];
        /** @description Only when completed. */
        result?: {
          videos: {
              /** @description One signed URL that works without the API key until `expires_at`; empty once the video expired. */
              url: string[];
              /** @description Unix seconds. */
              expires_at?: number;
              /**
               * @description Retention deleted the video; the task keeps its metadata.
               * @constant
               */
              expired?: true;
              width: number;
              height: number;
              /** @description Seconds. */
              duration: number;
              fps: number;
            }[];
        };
        /** @description The task's latest webhook delivery (GET /v1/tasks/{taskId} only). */
        webhook?: {
          /** @enum {string} */
          status: "pending" | "delivered" | "failed";
          attempts: number;
          last_status_code: number | null;
          last_error: string | null;
          /** @description Deliveries of this task so far (redeliveries included). */
          deliveries: number;
        };
        /** @description When retention deleted the video. */
        result_expired_at?: number;
        /** @description The prompt after intelligent rewriting. */
        actual_prompt?: string;
        /** @description Only when failed. */
        error?: {
          /** @description HTTP status the failure maps to. */
          code: number;
          /** @enum {string} */
          type: "invalid_request_error" | "authentication_error" | "payment_required" | "permission_error" | "not_found_error" | "conflict_error" | "rate_limit_error" | "server_error" | "bad_gateway" | "service_unavailable";
          message: string;
          reason: components["schemas"]["ErrorReason"];
        };
      };
      /** @description `req_…`, also in the `x-request-id` header. */
      request_id: string;
    };
    /** @description Without `X-APIMart-Response-Version` (or with a version this server does not know) the first version, `CreateGenerationReply`; with `X-APIMart-Response-Version: 2026-07-27`, `CreateGenerationReply20260727`, and the answer carries the same header. */
    CreateGenerationReplyAnyVersion: components["schemas"]["CreateGenerationReply"] | components["schemas"]["CreateGenerationReply20260727"];
    TaskReply: {
      /** @constant */
      code: 200;
      data: components["schemas"]["Task"];
    };
    TaskListReply: {
      /** @constant */
      code: 200;
      /** @description Newest first. */
      data: components["schemas"]["Task"][];
      has_more: boolean;
      /** @description Pass as `after` for the next page; null on the last page. */
      next_cursor: string | null;
    };
    Usage: {
      currency: string;
      totals: {
        /** @description Major units of the price table currency. */
        credited: number;
        /** @description Major units of the price table currency. */
        held: number;
        /** @description Major units of the price table currency. */
        captured: number;
        /** @description Major units of the price table currency. */
        released: number;
        /** @description Holds not yet captured or released. */
        outstanding: number;
        tasks: number;
      };
      /** @description Newest first. */
      entries: ({
          id: string;
          key_id: string;
          task_id: string | null;
          /** @enum {string} */
          kind: "credit" | "hold" | "capture" | "release";
          /** @description Major units of the price table currency. */
          amount: number;
          /** @description null for unlimited keys. */
          balance_after: number | null;
          /** @description Unix seconds. */
          created: number;
          note: string | null;
        })[];
      /** @description Pass as `after` for the next page; null on the last page. */
      next_cursor: string | null;
    };
    UsageReply: {
      /** @constant */
      code: 200;
      data: components["schemas"]["Usage"];
    };
    /** @description An API key (never its secret). */
    Key: {
      id: string;
      name: string;
      /** @description First characters of the secret, to recognise the key. */
      prefix: string;
      scopes: ("admin" | "user")[];
      /** @description Unix seconds. */
      created: number;
      expires_at: number | null;
      revoked: boolean;
      unlimited: boolean;
      /** @description null for unlimited keys. */
      balance: number | null;
      currency: string;
      limits: {
        requests_per_minute: number | null;
        max_running: number | null;
        max_queued: number | null;
      };
      webhook_url: string | null;
    };
    KeyReply: {
      /** @constant */
      code: 200;
      data: components["schemas"]["Key"];
    };
    KeyListReply: {
      /** @constant */
      code: 200;
      data: components["schemas"]["Key"][];
    };
    OwnKeyReply: {
      /** @constant */
      code: 200;
      data: {
        id: string;
        name: string;
        /** @description First characters of the secret, to recognise the key. */
        prefix: string;
        scopes: ("admin" | "user")[];
        /** @description Unix seconds. */
        created: number;
        expires_at: number | null;
        revoked: boolean;
        unlimited: boolean;
        /** @description null for unlimited keys. */
        balance: number | null;
        currency: string;
        limits: {
          requests_per_minute: number | null;
          max_running: number | null;
          max_queued: number | null;
        };
        webhook_url: string | null;
        /** @description Verifies the signatures of this key's webhooks. */
        webhook_secret: string;
      };
    };
    CreatedKeyReply: {
      /** @constant */
      code: 200;
      data: {
        id: string;
        name: string;
        /** @description First characters of the secret, to recognise the key. */
        prefix: string;
        scopes: ("admin" | "user")[];
        /** @description Unix seconds. */
        created: number;
        expires_at: number | null;
        revoked: boolean;
        unlimited: boolean;
        /** @description null for unlimited keys. */
        balance: number | null;
        currency: string;
        limits: {
          requests_per_minute: number | null;
          max_running: number | null;
          max_queued: number | null;
        };
        webhook_url: string | null;
        /** @description The secret: shown this once only. */
        key: string;
        webhook_secret: string;
      };
    };
    File: {
      id: string;
      /** @constant */
      object: "file";
      /** @description Usable in any media field of create by the same key. */
      url: string;
      /** @enum {string} */
      kind: "image" | "video" | "audio";
      content_type: string;
      bytes: number;
      /** @description Unix seconds. */
      created: number;
      /** @description Unix seconds. */
      expires_at: number;
    };
    FileReply: {
      /** @constant */
      code: 200;
      data: components["schemas"]["File"];
    };
    /** @description An uploaded image, in the seed platform's flat shape. */
    ImageUploadReply: {
      /** @description Usable in any image field of create by the same key, until `expires_at`. */
      url: string;
      /** @description The uploaded file's name (control characters removed), or the file id with the type's extension. */
      filename: string;
      /** @description From the bytes, never from the claim: `image/jpeg`, `image/png`, `image/gif`, `image/webp` or `image/bmp`. */
      content_type: string;
      bytes: number;
      /** @description Unix seconds. */
      created_at: number;
      /** @description `file_…`: also usable as a media value. */
      id: string;
      /** @constant */
      object: "file";
      /** @description When retention deletes the upload (72 h by default). */
      expires_at: number;
    };
    WebhookDelivery: {
      id: string;
      /** @description `task.completed`, `task.failed` or `task.cancelled`. */
      event: string;
      url: string;
      /** @enum {string} */
      status: "pending" | "delivered" | "failed";
      attempts: number;
      last_status_code: number | null;
      last_error: string | null;
      /** @description Unix seconds. */
      created: number;
      /** @description While pending. */
      next_attempt_at: number | null;
      delivered: number | null;
    };
    TaskWebhooksReply: {
      /** @constant */
      code: 200;
      data: {
        task_id: string;
        callback_url: string | null;
        deliveries: components["schemas"]["WebhookDelivery"][];
      };
    };
    RedeliveryReply: {
      /** @constant */
      code: 202;
      data: components["schemas"]["WebhookDelivery"];
    };
    Health: {
      /** @constant */
      ok: true;
    };
    /** @description A model this server offers, with what a form or price quote needs. */
    Model: {
      /** @description The value of `model` in a create request. */
      id: string;
      /** @constant */
      object: "model";
      owned_by: string;
      /**
       * @description What a model does; every model here generates videos.
       * @enum {string}
       */
      operation: "video_generation";
      /** @description What the model does. */
      summary: string;
      modes: ({
          /** @enum {string} */
          id: "t2v" | "i2v_first_frame" | "i2v_first_last" | "video_continuation" | "r2v" | "r2v_first_frame" | "video_edit";
          name: string;
          /** @description Inputs this mode needs. */
          requires: string[];
          /** @description Optional inputs it also takes. */
          accepts: string[];
        })[];
      /** @description Every field of the create request. */
      fields: string[];
      resolutions: ("720P" | "1080P")[];
      /** @enum {string} */
      default_resolution: "720P" | "1080P";
      sizes: ("16:9" | "9:16" | "1:1" | "4:3" | "3:4")[];
      defaults: {
        /** @description Seconds (wan2.7-videoedit: 0 = the length of the source video). */
        duration: number;
        /** @description null: the output follows the source video unless a size is given (wan2.7-videoedit). */
        size: string | null;
        prompt_extend: boolean;
        watermark: boolean;
      };
      limits: {
        /** @description Seconds. */
        duration: {
          min: number;
          max: number;
        };
        /** @description wan2.7-r2v: seconds when any reference video is given. */
        duration_with_reference_video?: {
          min: number;
          max: number;
        };
        /** @description wan2.7-r2v: reference images and videos together (a first frame not counted). */
        references?: {
          min: number;
          max: number;
        };
        /** @description wan2.7-videoedit. */
        reference_images?: {
          min: number;
          max: number;
        };
        prompt_max_chars: number;
        negative_prompt_max_chars: number;
        /** @description Per kind of input the model takes: the limits checked after probing. */
        media: {
          image?: {
            max_bytes: number;
            min_side?: number;
            max_side?: number;
            min_seconds?: number;
            max_seconds?: number;
          };
          video?: {
            max_bytes: number;
            min_side?: number;
            max_side?: number;
            min_seconds?: number;
            max_seconds?: number;
          };
          audio?: {
            max_bytes: number;
            min_side?: number;
            max_side?: number;
            min_seconds?: number;
            max_seconds?: number;
          };
          reference_video?: {
            max_bytes: number;
            min_side?: number;
            max_side?: number;
            min_seconds?: number;
            max_seconds?: number;
          };
          reference_voice?: {
            max_bytes: number;
            min_side?: number;
            max_side?: number;
            min_seconds?: number;
            max_seconds?: number;
          };
        };
      };
      pricing: {
        currency: string;
        /**
         * @description Prices are per billed second.
         * @constant
         */
        unit: "second";
        minor_per_major: number;
        /** @description By resolution. */
        per_second: {
          [key: string]: {
            /** @description Exact decimal in major units, e.g. `"0.10"`. */
            amount: string;
            /** @description Integer minor units (see `minor_per_major`). */
            amount_minor: number;
          };
        };
        /** @description Which seconds are billed (the model's rule). */
        billing: string;
      };
      /** @description Where new tasks of this model run. */
      engine: {
        id: string;
        description: string;
      };
    };
    /** @description An OpenAI-style list of models. */
    ModelList: {
      /** @constant */
      object: "list";
      data: components["schemas"]["Model"][];
    };
    /** @description A model's request as JSON Schema. */
    ModelSchemaReply: {
      model: string;
      /**
       * @description What a model does; every model here generates videos.
       * @enum {string}
       */
      operation: "video_generation";
      /** @description JSON Schema (draft 2020-12) of the create request without `model`: generated from the schema that validates it. */
      input_schema: {
        /** @constant */
        type: "object";
        [key: string]: unknown;
      };
    };
    /** @description A model's reference in Markdown. */
    ModelDocsReply: {
      /** @constant */
      object: "model.documentation";
      model: string;
      /** @description The reference as a web page. */
      doc_url: string;
      /** @description The reference as Markdown (`text/markdown`). */
      markdown_url: string;
      /** @description The reference: fields, limits, modes, examples, billing. */
      markdown: string;
      /** @description When this server generated the reference (from its own schemas and prices). */
      fetched_at: number;
      /** @description How long a client may keep it. */
      cache_ttl_seconds: number;
      /** @description true when the reference may be out of date; generated from the running code, it never is. */
      stale: boolean;
    };
  };
  responses: {
    /** @description Invalid input: `param` names the field, `reason` the rule. */
    BadRequest: {
      content: {
        "application/json": components["schemas"]["ErrorEnvelope"];
      };
    };
    /** @description Missing, invalid, revoked or expired API key. */
    Unauthorized: {
      content: {
        "application/json": components["schemas"]["ErrorEnvelope"];
      };
    };
    /** @description The key's balance is too low for the hold. */
    PaymentRequired: {
      content: {
        "application/json": components["schemas"]["ErrorEnvelope"];
      };
    };
    /** @description The key lacks the scope, or a signed link is invalid or expired. */
    Forbidden: {
      content: {
        "application/json": components["schemas"]["ErrorEnvelope"];
      };
    };
    /** @description Unknown id, or another key's (existence never leaks). */
    NotFound: {
      content: {
        "application/json": components["schemas"]["ErrorEnvelope"];
      };
    };
    /** @description The request conflicts with the current state (e.g. an Idempotency-Key reused with another body). */
    Conflict: {
      content: {
        "application/json": components["schemas"]["ErrorEnvelope"];
      };
    };
    /** @description Retention deleted the resource. */
    Gone: {
      content: {
        "application/json": components["schemas"]["ErrorEnvelope"];
      };
    };
    /** @description If-Match / If-Unmodified-Since did not match. */
    PreconditionFailed: {
      content: {
        "application/json": components["schemas"]["ErrorEnvelope"];
      };
    };
    /** @description Body or upload too large. */
    PayloadTooLarge: {
      content: {
        "application/json": components["schemas"]["ErrorEnvelope"];
      };
    };
    /** @description The Range lies outside the file. */
    RangeNotSatisfiable: {
      content: {
        "application/json": components["schemas"]["ErrorEnvelope"];
      };
    };
    /** @description Per-key rate, concurrency or queue limit; see Retry-After. */
    RateLimited: {
      headers: {
        /** @description Seconds to wait before trying again. */
        "Retry-After"?: number;
      };
      content: {
        "application/json": components["schemas"]["ErrorEnvelope"];
      };
    };
    /** @description A bug; never for bad input. */
    ServerError: {
      content: {
        "application/json": components["schemas"]["ErrorEnvelope"];
      };
    };
  };
  parameters: never;
  requestBodies: never;
  headers: never;
  pathItems: never;
}

export type $defs = Record<string, never>;

export type external = Record<string, never>;

export interface operations {

  /**
   * Create a video generation
   * @description One endpoint for the Wan2.7 family, selected by `model`: `wan2.7` (text-to-video, first frame, first + last frame, continuation), `wan2.7-r2v` (reference-to-video) and `wan2.7-videoedit` (video editing); GET /v1/models lists them with their limits and prices. Validates, routes and quotes the request (the hold is the model's upper bound of what it may bill), then queues it. Unknown fields are refused, and fields another model of the family takes are refused with `unsupported_for_model`. Media URLs may be http(s) URLs, URLs from /v1/files, or data: URIs. wan2.7 defaults: resolution 1080P, duration 5, size 16:9 (text-to-video only), prompt_extend true, watermark false, seed random.
   */
  createGeneration: {
    parameters: {
      header?: {
        /** @description Makes create safe to retry: 1..191 visible ASCII characters, no spaces. The same key with the same body within 24 h returns the same task (the answer then carries `Idempotency-Replayed: true`); with a different body, 409. */
        "Idempotency-Key"?: string;
        /** @description RFC 7240 preferences. `wait=N` (1..60 s, larger values clamped) holds the answer until the task ends or N seconds pass; `Preference-Applied` echoes the wait used. Unusable preferences are ignored. */
        Prefer?: string;
        /** @description The response version the client speaks: `2026-07-27` answers create with one task object in `data` and echoes the header. Absent or unknown: the first version of the seed page (never an error). */
        "X-APIMart-Response-Version"?: string;
      };
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["CreateVideoGenerationRequest"];
      };
    };
    responses: {
      /** @description The task was accepted (or, for a repeated Idempotency-Key, the original task). */
      200: {
        headers: {
          /** @description With Prefer: wait, the wait used. */
          "Preference-Applied"?: string;
          /** @description `true` when the answer is the task of an earlier request with the same Idempotency-Key (absent for a new task). */
          "Idempotency-Replayed"?: string;
          /** @description The response version of the answer, when the request asked for a known one. */
          "X-APIMart-Response-Version"?: string;
        };
        content: {
          "application/json": components["schemas"]["CreateGenerationReplyAnyVersion"];
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      402: components["responses"]["PaymentRequired"];
      409: components["responses"]["Conflict"];
      413: components["responses"]["PayloadTooLarge"];
      429: components["responses"]["RateLimited"];
      500: components["responses"]["ServerError"];
    };
  };
  /** Task status */
  getTask: {
    parameters: {
      query?: {
        /** @description The language of a failed task's `error.message`: `zh` (Chinese) or `en` (English, the default); `ko` and `ja` are answered in English for now. `Content-Language` names the language of the answer; `error.reason` never changes. */
        language?: "zh" | "en" | "ko" | "ja";
      };
      header?: {
        /** @description RFC 7240 preferences. `wait=N` (1..60 s, larger values clamped) holds the answer until the task ends or N seconds pass; `Preference-Applied` echoes the wait used. Unusable preferences are ignored. */
        Prefer?: string;
      };
      path: {
        /** @description The task's id, `task_` + a 26-character ULID, as returned by create. */
        taskId: string;
      };
    };
    responses: {
      /** @description The task, in the same shape in every response version. */
      200: {
        headers: {
          /** @description With Prefer: wait, the wait used. */
          "Preference-Applied"?: string;
          /** @description `en` or `zh`: the language of `error.message`. */
          "Content-Language"?: string;
        };
        content: {
          "application/json": components["schemas"]["TaskReply"];
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      404: components["responses"]["NotFound"];
      429: components["responses"]["RateLimited"];
      500: components["responses"]["ServerError"];
    };
  };
  /**
   * Cancel a task
   * @description Cancels a pending or processing task and releases its hold. Cancelling a cancelled task answers it as it is; a completed or failed task, or an upstream task that can no longer be cancelled, is a 409.
   */
  cancelTask: {
    parameters: {
      path: {
        /** @description The task's id, `task_` + a 26-character ULID, as returned by create. */
        taskId: string;
      };
    };
    responses: {
      /** @description The task after the cancel. */
      200: {
        content: {
          "application/json": components["schemas"]["TaskReply"];
        };
      };
      401: components["responses"]["Unauthorized"];
      404: components["responses"]["NotFound"];
      409: components["responses"]["Conflict"];
      429: components["responses"]["RateLimited"];
      500: components["responses"]["ServerError"];
    };
  };
  /** List own tasks */
  listTasks: {
    parameters: {
      query?: {
        /** @description One status (`pending`, `processing`, `completed`, `failed`, `cancelled`) or a comma list; a repeated parameter works too. */
        status?: string | string[];
        /** @description Only tasks created at or after this time (unix seconds). */
        from?: number;
        /** @description Only tasks created before this time (unix seconds); must be later than 'from'. */
        to?: number;
        /** @description Page size. */
        limit?: number;
        /** @description Cursor: the `next_cursor` of the previous page (a task id). */
        after?: string;
      };
    };
    responses: {
      /** @description A page of tasks, newest first. */
      200: {
        content: {
          "application/json": components["schemas"]["TaskListReply"];
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      429: components["responses"]["RateLimited"];
      500: components["responses"]["ServerError"];
    };
  };
  /**
   * Download a task's video
   * @description The MP4 of a completed task, with HTTP Range and ETag. 410 once retention deleted it.
   */
  getTaskContent: {
    parameters: {
      header?: {
        /** @description A byte range (`bytes=0-1023`): answered with 206, or 416 when it lies outside the file. */
        Range?: string;
        /** @description An ETag from an earlier answer: 304 when unchanged. */
        "If-None-Match"?: string;
      };
      path: {
        /** @description The task's id, `task_` + a 26-character ULID, as returned by create. */
        taskId: string;
      };
    };
    responses: {
      /** @description The video. */
      200: {
        headers: {
          /** @description Validator for If-None-Match. */
          ETag?: string;
          /** @description `bytes`. */
          "Accept-Ranges"?: string;
          /** @description When the file was written. */
          "Last-Modified"?: string;
        };
        content: {
          "video/mp4": string;
        };
      };
      /** @description The requested byte range. */
      206: {
        headers: {
          /** @description The range sent. */
          "Content-Range"?: string;
        };
        content: {
          "video/mp4": string;
        };
      };
      /** @description Only when the server runs with `RESULT_DELIVERY=redirect` (object storage): the same bytes, Range included, from a short-lived presigned URL of the store. */
      302: {
        headers: {
          /** @description The presigned URL. */
          Location?: string;
        };
        content: never;
      };
      /** @description Not modified (If-None-Match / If-Modified-Since). */
      304: {
        content: never;
      };
      401: components["responses"]["Unauthorized"];
      404: components["responses"]["NotFound"];
      410: components["responses"]["Gone"];
      412: components["responses"]["PreconditionFailed"];
      416: components["responses"]["RangeNotSatisfiable"];
      429: components["responses"]["RateLimited"];
      500: components["responses"]["ServerError"];
    };
  };
  /** Task status stream (SSE) */
  streamTaskEvents: {
    parameters: {
      path: {
        /** @description The task's id, `task_` + a 26-character ULID, as returned by create. */
        taskId: string;
      };
    };
    responses: {
      /** @description The current state at once, then every change until the task ends. */
      200: {
        content: {
          "text/event-stream": string;
        };
      };
      401: components["responses"]["Unauthorized"];
      404: components["responses"]["NotFound"];
      429: components["responses"]["RateLimited"];
      500: components["responses"]["ServerError"];
    };
  };
  /** A task's webhook deliveries */
  listTaskWebhooks: {
    parameters: {
      path: {
        /** @description The task's id, `task_` + a 26-character ULID, as returned by create. */
        taskId: string;
      };
    };
    responses: {
      /** @description The deliveries, oldest first. */
      200: {
        content: {
          "application/json": components["schemas"]["TaskWebhooksReply"];
        };
      };
      401: components["responses"]["Unauthorized"];
      404: components["responses"]["NotFound"];
      429: components["responses"]["RateLimited"];
      500: components["responses"]["ServerError"];
    };
  };
  /**
   * Send a task's terminal webhook again
   * @description Only once the task ended and when it has a callback URL (its own or its key's default); otherwise 409. At most one redelivery is pending per task: while one is, a repeat answers with it.
   */
  redeliverTaskWebhook: {
    parameters: {
      path: {
        /** @description The task's id, `task_` + a 26-character ULID, as returned by create. */
        taskId: string;
      };
    };
    responses: {
      /** @description A new delivery was queued, or the redelivery already pending. */
      202: {
        content: {
          "application/json": components["schemas"]["RedeliveryReply"];
        };
      };
      401: components["responses"]["Unauthorized"];
      404: components["responses"]["NotFound"];
      409: components["responses"]["Conflict"];
      429: components["responses"]["RateLimited"];
      500: components["responses"]["ServerError"];
    };
  };
  /**
   * Upload a file (image, video, audio)
   * @description The answer carries a URL usable in any media field of create. Limits: image 20 MB, video 100 MB, audio 15 MB.
   */
  uploadFile: {
    /** @description The file: a multipart field `file`, or the raw bytes with their Content-Type. The type is decided by probing the bytes. */
    requestBody: {
      content: {
        "multipart/form-data": components["schemas"]["MultipartUpload"];
        "application/octet-stream": string;
      };
    };
    responses: {
      /** @description The stored file. */
      200: {
        content: {
          "application/json": components["schemas"]["FileReply"];
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      413: components["responses"]["PayloadTooLarge"];
      429: components["responses"]["RateLimited"];
      500: components["responses"]["ServerError"];
    };
  };
  /**
   * Upload an image (seed platform path)
   * @description The seed platform's image upload and its flat answer. JPEG, PNG, GIF, WebP (and BMP), decided by the bytes; at most 20 MB (else 413). The URL works in the image fields of create until `expires_at` (72 h by default); the models take JPEG, PNG, BMP and WEBP frames, so a GIF fails the task that uses it (`unsupported_format`).
   */
  uploadImage: {
    /** @description The image: a multipart field `file` (its file name is kept), or the raw bytes with their Content-Type. */
    requestBody: {
      content: {
        "multipart/form-data": components["schemas"]["MultipartUpload"];
        "application/octet-stream": string;
      };
    };
    responses: {
      /** @description The stored image. */
      200: {
        content: {
          "application/json": components["schemas"]["ImageUploadReply"];
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      413: components["responses"]["PayloadTooLarge"];
      429: components["responses"]["RateLimited"];
      500: components["responses"]["ServerError"];
    };
  };
  /** An uploaded file */
  getFile: {
    parameters: {
      path: {
        /** @description The file's id (`file_…`), as returned by upload. */
        fileId: string;
      };
    };
    responses: {
      /** @description The file. */
      200: {
        content: {
          "application/json": components["schemas"]["FileReply"];
        };
      };
      401: components["responses"]["Unauthorized"];
      404: components["responses"]["NotFound"];
      429: components["responses"]["RateLimited"];
      500: components["responses"]["ServerError"];
    };
  };
  /** Download an uploaded file's bytes */
  getFileContent: {
    parameters: {
      header?: {
        /** @description A byte range (`bytes=0-1023`): answered with 206, or 416 when it lies outside the file. */
        Range?: string;
        /** @description An ETag from an earlier answer: 304 when unchanged. */
        "If-None-Match"?: string;
      };
      path: {
        /** @description The file's id (`file_…`), as returned by upload. */
        fileId: string;
      };
    };
    responses: {
      /** @description The file, with the Content-Type it was stored with. */
      200: {
        headers: {
          /** @description Validator for If-None-Match. */
          ETag?: string;
          /** @description `bytes`. */
          "Accept-Ranges"?: string;
          /** @description When the file was written. */
          "Last-Modified"?: string;
        };
        content: {
          "application/octet-stream": string;
        };
      };
      /** @description The requested byte range. */
      206: {
        headers: {
          /** @description The range sent. */
          "Content-Range"?: string;
        };
        content: {
          "application/octet-stream": string;
        };
      };
      /** @description Only when the server runs with `RESULT_DELIVERY=redirect` (object storage): the same bytes, Range included, from a short-lived presigned URL of the store. */
      302: {
        headers: {
          /** @description The presigned URL. */
          Location?: string;
        };
        content: never;
      };
      /** @description Not modified (If-None-Match / If-Modified-Since). */
      304: {
        content: never;
      };
      401: components["responses"]["Unauthorized"];
      404: components["responses"]["NotFound"];
      412: components["responses"]["PreconditionFailed"];
      416: components["responses"]["RangeNotSatisfiable"];
      429: components["responses"]["RateLimited"];
      500: components["responses"]["ServerError"];
    };
  };
  /**
   * Download through a signed URL
   * @description Result URLs work without the API key: the signature is the credential, until the link expires.
   */
  getSignedFile: {
    parameters: {
      query: {
        /** @description Expiry of the link (unix seconds), part of the signature. */
        expires: string;
        /** @description Signature of the storage key and expiry. */
        sig: string;
      };
      path: {
        /** @description Storage key of the file; may contain `/`. Only ever used through a signed URL the API returned. */
        path: string;
      };
    };
    responses: {
      /** @description The file (`video/mp4` for results). */
      200: {
        headers: {
          /** @description Validator for If-None-Match. */
          ETag?: string;
          /** @description `bytes`. */
          "Accept-Ranges"?: string;
          /** @description When the file was written. */
          "Last-Modified"?: string;
        };
        content: {
          "application/octet-stream": string;
        };
      };
      /** @description The requested byte range. */
      206: {
        headers: {
          /** @description The range sent. */
          "Content-Range"?: string;
        };
        content: {
          "application/octet-stream": string;
        };
      };
      /** @description Only when the server runs with `RESULT_DELIVERY=redirect` (object storage): the same bytes, Range included, from a short-lived presigned URL of the store. */
      302: {
        headers: {
          /** @description The presigned URL. */
          Location?: string;
        };
        content: never;
      };
      /** @description Not modified (If-None-Match / If-Modified-Since). */
      304: {
        content: never;
      };
      403: components["responses"]["Forbidden"];
      404: components["responses"]["NotFound"];
      500: components["responses"]["ServerError"];
    };
  };
  /** The calling key: settings, balance, webhook secret */
  getOwnKey: {
    responses: {
      /** @description The key. */
      200: {
        content: {
          "application/json": components["schemas"]["OwnKeyReply"];
        };
      };
      401: components["responses"]["Unauthorized"];
      429: components["responses"]["RateLimited"];
      500: components["responses"]["ServerError"];
    };
  };
  /** The calling key's usage and ledger */
  getOwnUsage: {
    parameters: {
      query?: {
        /** @description Only entries created at or after this time (unix seconds). */
        from?: number;
        /** @description Only entries created before this time (unix seconds). */
        to?: number;
        /** @description Page size. */
        limit?: number;
        /** @description Cursor: the `next_cursor` of the previous page. */
        after?: string;
      };
    };
    responses: {
      /** @description Totals and a page of ledger entries. */
      200: {
        content: {
          "application/json": components["schemas"]["UsageReply"];
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      429: components["responses"]["RateLimited"];
      500: components["responses"]["ServerError"];
    };
  };
  /**
   * List API keys
   * @description Requires a key with the `admin` scope.
   */
  listKeys: {
    responses: {
      /** @description Every key. */
      200: {
        content: {
          "application/json": components["schemas"]["KeyListReply"];
        };
      };
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      429: components["responses"]["RateLimited"];
      500: components["responses"]["ServerError"];
    };
  };
  /**
   * Create an API key
   * @description Requires a key with the `admin` scope.
   */
  createKey: {
    requestBody: {
      content: {
        "application/json": components["schemas"]["CreateKeyRequest"];
      };
    };
    responses: {
      /** @description The key, with its secret shown this once. */
      200: {
        content: {
          "application/json": components["schemas"]["CreatedKeyReply"];
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      429: components["responses"]["RateLimited"];
      500: components["responses"]["ServerError"];
    };
  };
  /**
   * An API key
   * @description Requires a key with the `admin` scope.
   */
  getKey: {
    parameters: {
      path: {
        /** @description The key's id (`key_…`). */
        keyId: string;
      };
    };
    responses: {
      /** @description The key. */
      200: {
        content: {
          "application/json": components["schemas"]["KeyReply"];
        };
      };
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      404: components["responses"]["NotFound"];
      429: components["responses"]["RateLimited"];
      500: components["responses"]["ServerError"];
    };
  };
  /**
   * Revoke an API key (DELETE form)
   * @description Requires a key with the `admin` scope.
   */
  deleteKey: {
    parameters: {
      path: {
        /** @description The key's id (`key_…`). */
        keyId: string;
      };
    };
    responses: {
      /** @description The revoked key. */
      200: {
        content: {
          "application/json": components["schemas"]["KeyReply"];
        };
      };
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      404: components["responses"]["NotFound"];
      429: components["responses"]["RateLimited"];
      500: components["responses"]["ServerError"];
    };
  };
  /**
   * Change an API key
   * @description Requires a key with the `admin` scope.
   */
  updateKey: {
    parameters: {
      path: {
        /** @description The key's id (`key_…`). */
        keyId: string;
      };
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["UpdateKeyRequest"];
      };
    };
    responses: {
      /** @description The key after the change. */
      200: {
        content: {
          "application/json": components["schemas"]["KeyReply"];
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      404: components["responses"]["NotFound"];
      429: components["responses"]["RateLimited"];
      500: components["responses"]["ServerError"];
    };
  };
  /**
   * Revoke an API key
   * @description Requires a key with the `admin` scope.
   */
  revokeKey: {
    parameters: {
      path: {
        /** @description The key's id (`key_…`). */
        keyId: string;
      };
    };
    responses: {
      /** @description The revoked key. */
      200: {
        content: {
          "application/json": components["schemas"]["KeyReply"];
        };
      };
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      404: components["responses"]["NotFound"];
      429: components["responses"]["RateLimited"];
      500: components["responses"]["ServerError"];
    };
  };
  /**
   * Credit (or adjust) a key's balance
   * @description Requires a key with the `admin` scope.
   */
  creditKey: {
    parameters: {
      path: {
        /** @description The key's id (`key_…`). */
        keyId: string;
      };
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["CreditRequest"];
      };
    };
    responses: {
      /** @description The key after the credit. */
      200: {
        content: {
          "application/json": components["schemas"]["KeyReply"];
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      404: components["responses"]["NotFound"];
      409: components["responses"]["Conflict"];
      429: components["responses"]["RateLimited"];
      500: components["responses"]["ServerError"];
    };
  };
  /**
   * Everyone's usage and ledger
   * @description Requires a key with the `admin` scope.
   */
  getUsage: {
    parameters: {
      query?: {
        /** @description Only entries created at or after this time (unix seconds). */
        from?: number;
        /** @description Only entries created before this time (unix seconds). */
        to?: number;
        /** @description Page size. */
        limit?: number;
        /** @description Cursor: the `next_cursor` of the previous page. */
        after?: string;
        /** @description Only this key (admin view). */
        key_id?: string;
      };
    };
    responses: {
      /** @description Totals and a page of ledger entries. */
      200: {
        content: {
          "application/json": components["schemas"]["UsageReply"];
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      429: components["responses"]["RateLimited"];
      500: components["responses"]["ServerError"];
    };
  };
  /**
   * The server's engine and settings
   * @description What the admin console shows: engines, billing, prices, retention, webhook schedule. Never a secret.
   *
   * Requires a key with the `admin` scope.
   */
  getServerInfo: {
    responses: {
      /** @description The summary. */
      200: {
        content: {
          "application/json": {
            /** @constant */
            code: 200;
            /** @description What this server runs with; never a secret. */
            data: {
              version: string;
              /** @description The engine new tasks run on. */
              engine: {
                id: string;
                description: string;
              };
              /** @description Every engine this process serves (older tasks keep theirs). */
              engines: string[];
              base_url: string;
              billing: boolean;
              currency: string;
              price_per_second: {
                [key: string]: {
                  /** @description Exact decimal in major units, e.g. `"0.10"`. */
                  amount: string;
                  /** @description Integer minor units (see `minor_per_major`). */
                  amount_minor: number;
                };
              };
              result_url_ttl_seconds: number;
              retention_hours: {
                results: number;
                uploads: number;
              };
              worker_lease_seconds: number;
              webhooks: {
                retry_delays_seconds: number[];
                timeout_ms: number;
              };
              console_session_hours: number;
            };
          };
        };
      };
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      429: components["responses"]["RateLimited"];
      500: components["responses"]["ServerError"];
    };
  };
  /**
   * The models this server offers
   * @description An OpenAI-style list: each model with its operation, modes, fields, limits, defaults, price per second per resolution and the engine that runs it. Needs no key.
   */
  listModels: {
    responses: {
      /** @description The models. */
      200: {
        content: {
          "application/json": components["schemas"]["ModelList"];
        };
      };
      500: components["responses"]["ServerError"];
    };
  };
  /**
   * A model's request as JSON Schema
   * @description The JSON Schema (draft 2020-12) of the create request of a model, without `model`: generated from the schema that validates create, so it cannot drift. Needs no key.
   */
  getModelSchema: {
    parameters: {
      query: {
        /** @description A model id, as GET /v1/models lists them (e.g. `wan2.7`); unknown: 404 `model_not_found`. */
        model: string;
        /** @description The operation (`video_generation`); one the model does not have is a 400 naming `operation`. */
        operation?: string;
      };
    };
    responses: {
      /** @description The schema. */
      200: {
        content: {
          "application/json": components["schemas"]["ModelSchemaReply"];
        };
      };
      400: components["responses"]["BadRequest"];
      404: components["responses"]["NotFound"];
      500: components["responses"]["ServerError"];
    };
  };
  /**
   * A model's reference (Markdown)
   * @description The model's reference in Markdown (fields, limits, modes, examples, billing), generated from the same schemas as this document; also served as Markdown at `markdown_url` and as a page at `doc_url`. Needs no key.
   */
  getModelDocs: {
    parameters: {
      query: {
        /** @description A model id, as GET /v1/models lists them (e.g. `wan2.7`); unknown: 404 `model_not_found`. */
        model: string;
      };
    };
    responses: {
      /** @description The reference. */
      200: {
        headers: {
          /** @description How long it may be kept (`cache_ttl_seconds`). */
          "Cache-Control"?: string;
        };
        content: {
          "application/json": components["schemas"]["ModelDocsReply"];
        };
      };
      400: components["responses"]["BadRequest"];
      404: components["responses"]["NotFound"];
      500: components["responses"]["ServerError"];
    };
  };
  /** A model's reference as Markdown */
  getModelDocsMarkdown: {
    parameters: {
      path: {
        /** @description A model id, as GET /v1/models lists them (e.g. `wan2.7`). */
        model: string;
      };
    };
    responses: {
      /** @description The Markdown of GET /v1/model-docs. */
      200: {
        content: {
          "text/markdown": string;
        };
      };
      404: components["responses"]["NotFound"];
      500: components["responses"]["ServerError"];
    };
  };
  /** A model's reference as a page */
  getModelDocsPage: {
    parameters: {
      path: {
        /** @description A model id, as GET /v1/models lists them (e.g. `wan2.7`). */
        model: string;
      };
    };
    responses: {
      /** @description The reference, rendered (no script, no other host). */
      200: {
        content: {
          "text/html": string;
        };
      };
      404: components["responses"]["NotFound"];
      500: components["responses"]["ServerError"];
    };
  };
  /**
   * Sign in to the web console
   * @description Exchanges an API key (in the body only) for a session cookie: HttpOnly, SameSite=Strict, Secure over HTTPS, signed, expiring (CONSOLE_SESSION_HOURS, never after the key expires). The cookie then authenticates any route like the key, as long as the key stays valid; state-changing requests must come from this server's pages (Origin). A cross-site Origin is a 403.
   */
  createSession: {
    requestBody: {
      content: {
        "application/json": {
          /** @description An API key (`wg_…`). Accepted only here, in the body (never in a URL). */
          key: string;
        };
      };
    };
    responses: {
      /** @description Signed in; the session cookie is set. */
      200: {
        headers: {
          /** @description The session cookie. */
          "Set-Cookie"?: string;
        };
        content: {
          "application/json": {
            /** @constant */
            code: 200;
            data: {
              /** @description When the session ends at the latest. */
              expires_at: number;
              /** @description An API key (never its secret). */
              key: {
                id: string;
                name: string;
                /** @description First characters of the secret, to recognise the key. */
                prefix: string;
                scopes: ("admin" | "user")[];
                /** @description Unix seconds. */
                created: number;
                expires_at: number | null;
                revoked: boolean;
                unlimited: boolean;
                /** @description null for unlimited keys. */
                balance: number | null;
                currency: string;
                limits: {
                  requests_per_minute: number | null;
                  max_running: number | null;
                  max_queued: number | null;
                };
                webhook_url: string | null;
              };
            };
          };
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      500: components["responses"]["ServerError"];
    };
  };
  /**
   * Sign out of the web console
   * @description Ends the session of the cookie sent (every copy of it stops working) and clears the cookie.
   */
  deleteSession: {
    responses: {
      /** @description Signed out. */
      200: {
        headers: {
          /** @description Clears the session cookie. */
          "Set-Cookie"?: string;
        };
        content: {
          "application/json": {
            /** @constant */
            code: 200;
            data: {
              /** @description false when there was no live session. */
              ended: boolean;
            };
          };
        };
      };
      403: components["responses"]["Forbidden"];
      500: components["responses"]["ServerError"];
    };
  };
  /** Liveness */
  health: {
    responses: {
      /** @description The server answers. */
      200: {
        content: {
          "application/json": components["schemas"]["Health"];
        };
      };
      500: components["responses"]["ServerError"];
    };
  };
  /**
   * Readiness
   * @description Whether this process should get traffic: 200 when it is not draining and its store (and object storage, when configured) answer; 503 otherwise. Redis is reported but does not make the process unready: the per-minute limiter then counts per process.
   */
  readiness: {
    responses: {
      /** @description Ready. */
      200: {
        content: {
          "application/json": {
            ready: boolean;
            /** @description true once the process got SIGTERM: it finishes what it has and takes nothing new. */
            draining: boolean;
            /** @description Each dependency (store, redis, storage) by name. */
            checks: {
              [key: string]: "ok" | "unreachable" | "timeout";
            };
          };
        };
      };
      500: components["responses"]["ServerError"];
      /** @description Draining, or a required dependency does not answer. */
      503: {
        content: {
          "application/json": {
            ready: boolean;
            /** @description true once the process got SIGTERM: it finishes what it has and takes nothing new. */
            draining: boolean;
            /** @description Each dependency (store, redis, storage) by name. */
            checks: {
              [key: string]: "ok" | "unreachable" | "timeout";
            };
          };
        };
      };
    };
  };
  /**
   * Prometheus metrics
   * @description HTTP, task, queue, upstream, webhook and ledger metrics of this process. Also served without a key on METRICS_PORT (loopback by default).
   *
   * Requires a key with the `admin` scope.
   */
  metrics: {
    responses: {
      /** @description The metrics. */
      200: {
        content: {
          "text/plain": string;
        };
      };
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      429: components["responses"]["RateLimited"];
      500: components["responses"]["ServerError"];
    };
  };
  /** This OpenAPI document */
  getOpenApiDocument: {
    responses: {
      /** @description OpenAPI 3.1, with this server as its server URL. */
      200: {
        content: {
          "application/json": {
            openapi: string;
            [key: string]: unknown;
          };
        };
      };
      500: components["responses"]["ServerError"];
    };
  };
  /**
   * Interactive API docs
   * @description Swagger UI for this document, served from this server (works offline).
   */
  getDocs: {
    responses: {
      /** @description The docs page. */
      200: {
        content: {
          "text/html": string;
        };
      };
      500: components["responses"]["ServerError"];
    };
  };
}
