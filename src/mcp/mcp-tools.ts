import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import path from 'node:path';
import { z } from 'zod';
import { idempotencyKeySchema } from '../domain/idempotency-key.js';
import { modelRequestSchemas } from '../domain/model-request-schemas.js';
import { GatewayError, type GatewayClient } from './gateway-client.js';
import { nextPollAfterSeconds } from './poll-hint.js';

/**
 * The tools `wangate mcp` offers an agent. Their inputs are zod schemas (the SDK lists them as JSON
 * Schema and validates the arguments with them); generate_video's fields are the create request's own
 * schemas, and it checks a request against the gateway's GET /v1/model-schema before creating anything.
 */

type Json = Record<string, unknown>;

export interface ToolResult {
  [key: string]: unknown;
  content: { type: 'text'; text: string }[];
  structuredContent?: Json;
  isError?: boolean;
}

export interface ToolSpec {
  name: string;
  title: string;
  description: string;
  inputSchema: z.ZodObject;
  annotations: { readOnlyHint?: boolean; destructiveHint?: boolean; idempotentHint?: boolean; openWorldHint?: boolean };
  run(args: Json): Promise<Json>;
}

const ok = (value: Json): ToolResult => ({ content: [{ type: 'text', text: JSON.stringify(value, null, 2) }], structuredContent: value });

/** A refusal the agent can act on: the gateway's envelope (type, param, reason, message), or the local problem. */
export function toolError(e: unknown): ToolResult {
  const value =
    e instanceof GatewayError
      ? { status: e.status, error: e.error }
      : { error: { message: e instanceof Error ? e.message : String(e), ...(typeof (e as { code?: unknown }).code === 'string' && { code: (e as { code: string }).code }) } };
  return { content: [{ type: 'text', text: JSON.stringify(value, null, 2) }], isError: true };
}

const taskId = z.string().min(1).max(100).describe('The task id (`task_…`) generate_video returned.');
const localPath = z.string().min(1).max(4096);

/**
 * The fields of every model's create request (the union of a field's schemas when models differ), plus
 * `model` and the idempotency key. Loose: the gateway's model schema decides what a model takes.
 */
export function generateVideoInput(): z.ZodObject {
  const byField = new Map<string, z.ZodType[]>();
  for (const schema of modelRequestSchemas().values()) {
    for (const [field, fieldSchema] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
      // The same schema object (a field every model shares) counts once.
      if (field !== 'model' && !byField.get(field)?.includes(fieldSchema)) byField.set(field, [...(byField.get(field) ?? []), fieldSchema]);
    }
  }
  const fields = Object.fromEntries([...byField].map(([field, list]) => [field, list.length === 1 ? list[0]! : z.union(list as [z.ZodType, z.ZodType])]));
  return z.looseObject({
    idempotency_key: idempotencyKeySchema.describe(
      'Required: 1..191 visible ASCII characters you choose and keep for this request (e.g. a UUID). Calling again with the same key and the same fields returns the same task instead of creating (and paying for) a second one.',
    ),
    model: z.string().min(1).max(200).describe(`The model (${[...modelRequestSchemas().keys()].join(', ')} here; list_models shows what the gateway offers).`),
    ...fields,
  });
}

const errorText = (e: ErrorObject) => {
  const where = e.instancePath ? e.instancePath.slice(1).replace(/\//g, '.') : '(request)';
  const extra = e.keyword === 'additionalProperties' ? ` '${(e.params as { additionalProperty: string }).additionalProperty}'` : '';
  return `${where}: ${e.message ?? e.keyword}${extra}`;
};

/** The tools, bound to one gateway. */
export function mcpTools(client: GatewayClient): ToolSpec[] {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  const validators = new Map<string, ValidateFunction>();
  const validatorFor = async (model: string) => {
    const schema = (await client.modelSchema(model)).input_schema as Json;
    const key = `${model}\n${JSON.stringify(schema)}`;
    let validate = validators.get(key);
    if (!validate) validators.set(key, (validate = ajv.compile(schema)));
    return validate;
  };

  return [
    {
      name: 'list_models',
      title: 'List models',
      description: "The gateway's models: for each, its operation, modes (text-to-video, first frame, first + last frame, continuation), limits and price per second.",
      inputSchema: z.strictObject({}),
      annotations: { readOnlyHint: true, openWorldHint: true },
      run: () => client.listModels(),
    },
    {
      name: 'get_model_schema',
      title: 'Get a model request schema',
      description: "The JSON Schema of a model's create request (without `model`): the fields generate_video takes for it, with their rules.",
      inputSchema: z.strictObject({
        model: z.string().min(1).max(200).describe('A model id from list_models, e.g. `wan2.7`.'),
        operation: z.string().max(100).optional().describe('`video_generation` (the default).'),
      }),
      annotations: { readOnlyHint: true, openWorldHint: true },
      run: (a) => client.modelSchema(a.model as string, a.operation as string | undefined),
    },
    {
      name: 'upload_image',
      title: 'Upload an image',
      description: 'Uploads a local image file (JPEG, PNG, BMP or WEBP for frames; at most 20 MB) and returns a `url` to use in image_urls of generate_video, valid 72 h.',
      inputSchema: z.strictObject({ path: localPath.describe('Path of the image on this machine (relative to the working directory, or absolute).') }),
      annotations: { openWorldHint: true },
      run: (a) => client.uploadImage(path.resolve(a.path as string)),
    },
    {
      name: 'generate_video',
      title: 'Generate a video',
      description:
        'Starts a video generation and returns its `task_id` and `next_poll_after_seconds`; it costs money, so keep `idempotency_key` and reuse it to retry safely. ' +
        'The fields are checked against the model schema first (get_model_schema). Media fields take URLs: upload local images with upload_image. ' +
        'Then call get_task (with wait_seconds) until the status is completed, and download_video.',
      inputSchema: generateVideoInput(),
      annotations: { destructiveHint: false, idempotentHint: true, openWorldHint: true },
      async run(a) {
        const { idempotency_key: key, model, ...fields } = a;
        const validate = await validatorFor(model as string);
        if (!validate(fields)) {
          throw new Error(`The request does not match the schema of model '${model}' (nothing was created): ${(validate.errors ?? []).map(errorText).join('; ')}`);
        }
        const { task, replayed } = await client.createGeneration({ model, ...fields }, key as string);
        return { task_id: task.id, status: task.status, replayed, next_poll_after_seconds: nextPollAfterSeconds(task), task };
      },
    },
    {
      name: 'get_task',
      title: 'Get a task',
      description:
        "A task's status, progress, cost, result (a signed video URL when completed) or error. With wait_seconds the gateway answers as soon as the task ends, or after that many seconds.",
      inputSchema: z.strictObject({
        task_id: taskId,
        wait_seconds: z.int().min(0).max(60).optional().describe('Hold the answer until the task ends, at most this long (0..60).'),
        language: z.enum(['zh', 'en', 'ko', 'ja']).optional().describe("The language of a failed task's error message (ko and ja are answered in English)."),
      }),
      annotations: { readOnlyHint: true, openWorldHint: true },
      async run(a) {
        const task = await client.getTask(a.task_id as string, {
          ...(a.wait_seconds !== undefined && { waitSeconds: a.wait_seconds as number }),
          ...(a.language !== undefined && { language: a.language as string }),
        });
        return { task_id: task.id, status: task.status, next_poll_after_seconds: nextPollAfterSeconds(task), task };
      },
    },
    {
      name: 'cancel_task',
      title: 'Cancel a task',
      description: 'Cancels a pending or processing task and releases what it held; a task that already ended cannot be cancelled.',
      inputSchema: z.strictObject({ task_id: taskId }),
      annotations: { destructiveHint: true, idempotentHint: true, openWorldHint: true },
      async run(a) {
        const task = await client.cancelTask(a.task_id as string);
        return { task_id: task.id, status: task.status, task };
      },
    },
    {
      name: 'download_video',
      title: 'Download a video',
      description: "Saves a completed task's MP4 to a local path (folders are created) and returns where and how many bytes.",
      inputSchema: z.strictObject({
        task_id: taskId,
        path: localPath.describe('Where to save the MP4 on this machine (relative to the working directory, or absolute).'),
        overwrite: z.boolean().optional().describe('Replace an existing file (default false: an existing file is an error).'),
      }),
      annotations: { destructiveHint: false, openWorldHint: true },
      async run(a) {
        const file = path.resolve(a.path as string);
        const { bytes, contentType } = await client.downloadVideo(a.task_id as string, file, a.overwrite === true);
        return { task_id: a.task_id, path: file, bytes, content_type: contentType };
      },
    },
  ];
}

/** Runs a tool: its answer, or a tool error (never a protocol error) the agent can read and act on. */
export async function runTool(tool: ToolSpec, args: Json): Promise<ToolResult> {
  try {
    return ok(await tool.run(args));
  } catch (e) {
    return toolError(e);
  }
}
