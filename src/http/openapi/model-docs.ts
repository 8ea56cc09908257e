import type { ModelInfo } from '../../domain/model-catalogue.js';
import { sizeForRatio } from '../../domain/output-size.js';
import { formatMinor } from '../../domain/pricing.js';
import type { Mode } from '../../domain/request.js';
import type { ModelJson } from '../../present/model-schemas.js';

/**
 * A model's reference in Markdown (GET /v1/model-docs, its markdown_url and its page): the fields
 * table is rendered from the JSON Schema of the model's request (the one GET /v1/model-schema and the
 * OpenAPI document show, generated from the validating schema), modes, limits and prices from the
 * model entry of GET /v1/models. Nothing here is written by hand about a field.
 */

type Json = Record<string, unknown>;

export interface ModelDocsInput {
  model: ModelInfo;
  /** The model as GET /v1/models shows it (this server's prices and engine). */
  entry: ModelJson;
  /** JSON Schema of the request without `model`. */
  inputSchema: Json;
  baseUrl: string;
  resultUrlTtlSeconds: number;
  uploadRetentionSeconds: number;
}

const sampleImage = 'https://example.com/first-frame.png';

/** A request of each mode, as a client would send it (the tests check each against the model's schema). */
export const modeExamples: Partial<Record<Mode, Json>> = {
  t2v: { prompt: 'A cat chasing butterflies on the grass, golden hour', resolution: '720P', duration: 5, size: '16:9' },
  i2v_first_frame: { prompt: 'The cat turns its head and blinks', image_urls: [sampleImage], resolution: '720P', duration: 5 },
  i2v_first_last: { prompt: 'The flower opens', image_urls: [sampleImage, 'https://example.com/last-frame.png'], duration: 5 },
  video_continuation: { prompt: 'The camera keeps flying forward', video_urls: ['https://example.com/clip.mp4'], duration: 10 },
  r2v: {
    prompt: 'Image 1 hands Video 1 a guitar',
    image_with_roles: [{ url: 'https://example.com/girl.png', reference_voice: 'https://example.com/girl.mp3' }],
    video_urls: ['https://example.com/boy.mp4'],
    resolution: '720P',
    duration: 8,
  },
  r2v_first_frame: {
    prompt: 'Image 1 walks into the room',
    image_with_roles: [{ url: sampleImage, role: 'first_frame' }, { url: 'https://example.com/girl.png' }],
    duration: 5,
  },
  video_edit: {
    video_urls: ['https://example.com/dance.mp4'],
    image_urls: ['https://example.com/jacket.png'],
    prompt: 'Replace her jacket with the one in the image',
    audio_setting: 'origin',
  },
};

const code = (v: unknown) => `\`${typeof v === 'string' ? v : JSON.stringify(v)}\``;
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function typeOf(p: Json): string {
  if (Array.isArray(p.enum)) return p.enum.map(code).join(', ');
  if (p.const !== undefined) return code(p.const);
  if (p.type === 'array') return `array of ${typeOf((p.items ?? {}) as Json)}`;
  if (p.type === 'object') {
    const props = Object.keys((p.properties ?? {}) as Json);
    return props.length > 0 ? `object {${props.join(', ')}}` : 'object';
  }
  if (p.type === 'string' && p.format === 'uri') return 'URL';
  return typeof p.type === 'string' ? p.type : 'any';
}

function ruleOf(p: Json): string {
  const rules: string[] = [];
  const range = (min: unknown, max: unknown, unit: string) => {
    if (min !== undefined && max !== undefined) rules.push(`${min}..${max}${unit}`);
    else if (max !== undefined) rules.push(`at most ${max}${unit}`);
    else if (min !== undefined && min !== 0 && min !== 1) rules.push(`at least ${min}${unit}`);
  };
  range(p.minimum, p.maximum, '');
  range(p.minItems, p.maxItems, ' items');
  if (p.maxLength !== undefined && (p.maxLength as number) < 1_000_000) range(undefined, p.maxLength, ' characters');
  if (typeof p.pattern === 'string') rules.push(`matches \`${p.pattern}\``);
  return rules.join('; ');
}

function fieldRows(schema: Json): string[] {
  const props = (schema.properties ?? {}) as Record<string, Json>;
  const required = new Set((schema.required ?? []) as string[]);
  return Object.entries(props).map(([name, p]) => {
    const items = (p.items ?? {}) as Json;
    const nested = items.type === 'object' ? fieldRows(items).map((row) => row.replace(/^\| `/, `| \`${name}[].`)) : [];
    const fallback = typeof items.description === 'string' ? items.description : '';
    const description = typeof p.description === 'string' ? p.description : fallback;
    const def = p.default !== undefined ? code(p.default) : '';
    return [`| \`${name}\` | ${cell(typeOf(p))} | ${required.has(name) ? 'yes' : ''} | ${def} | ${cell(ruleOf(p))} | ${cell(description)} |`, ...nested].join('\n');
  });
}

/** Each kind of input a model may take: what it is for, its formats. */
const mediaKinds: Record<keyof ModelJson['limits']['media'], [string, string]> = {
  image: ['image (frame or reference)', 'JPEG, PNG, BMP, WEBP'],
  video: ['video (continuation or source)', 'MP4, MOV'],
  audio: ['audio', 'WAV, MP3'],
  reference_video: ['reference video', 'MP4, MOV'],
  reference_voice: ['reference voice', 'WAV, MP3'],
};

function mediaRows(entry: ModelJson): string[] {
  const media = entry.limits.media;
  const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;
  const rows = Object.entries(mediaKinds).flatMap(([kind, [what, formats]]) => {
    const l = media[kind as keyof typeof media];
    return l ? [[what, formats, l] as const] : [];
  });
  return rows.map(([what, formats, l]) => {
    const sides = l.min_side !== undefined ? `each side ${l.min_side}..${l.max_side} px, aspect 1:8..8:1` : '';
    const seconds = l.min_seconds !== undefined ? `${l.min_seconds}..${l.max_seconds} s` : '';
    return `| ${what} | ${formats} | ${sides} | ${seconds} | at most ${mb(l.max_bytes)} |`;
  });
}

function sizeRows(entry: ModelJson): string[] {
  return entry.sizes.map((ratio) => `| ${ratio} | ${entry.resolutions.map((r) => { const s = sizeForRatio(r, ratio); return `${s.width}×${s.height}`; }).join(' | ')} |`);
}

function billing(entry: ModelJson): string[] {
  const p = entry.pricing;
  const rows = Object.entries(p.per_second).map(([resolution, price]) => `| ${resolution} | ${price.amount} ${p.currency} |`);
  const first = Object.entries(p.per_second)[0];
  const example = first
    ? `A ${entry.defaults.duration} s video at ${first[0]} costs ${entry.defaults.duration} × ${first[1].amount} = ` +
      `${formatMinor(first[1].amount_minor * entry.defaults.duration, p.minor_per_major)} ${p.currency}.`
    : '';
  const settle = 'a completed task captures what it cost, a failed or cancelled one releases the hold in full.';
  if (entry.id !== 'wan2.7') {
    return [
      '| resolution | price per billed second |',
      '|---|---|',
      ...rows,
      '',
      `Billed seconds: ${p.billing} Fractions are rounded up to the whole second. Create places a hold of the most the request may bill ` +
        `(402 \`insufficient_balance\` when the balance does not cover it); ${settle}`,
    ];
  }
  return [
    '| resolution | price per second of output |',
    '|---|---|',
    ...rows,
    '',
    `Every mode costs the same: price(resolution) × seconds. ${example} Create places a hold of that amount (402 \`insufficient_balance\` ` +
      `when the balance does not cover it); ${settle}`,
  ];
}

/** The model's reference, in Markdown. */
export function modelDocsMarkdown(input: ModelDocsInput): string {
  const { model, entry, inputSchema, baseUrl } = input;
  const hours = (s: number) => `${Math.round((s / 3600) * 10) / 10} hours`;
  const examples = model.modes.flatMap((mode) => {
    const body = modeExamples[mode.id];
    return body ? [`### ${mode.name} (\`${mode.id}\`)`, '', '```json', JSON.stringify({ model: model.id, ...body }, null, 2), '```', ''] : [];
  });
  const first = modeExamples[model.modes[0]?.id ?? 't2v'] ?? {};
  return [
    `# ${model.id}`,
    '',
    `${model.summary} Video generation (\`${model.operation}\`). On this server it runs on the **${entry.engine.id}** engine: ${entry.engine.description}`,
    '',
    `Create with \`POST ${baseUrl}/v1/videos/generations\` and \`"model": "${model.id}"\`; follow the task with \`GET ${baseUrl}/v1/tasks/{id}\`.`,
    `The request's JSON Schema: \`GET ${baseUrl}/v1/model-schema?model=${model.id}\`.`,
    '',
    '## Modes',
    '',
    'There is no `mode` field: the media given choose it.',
    '',
    '| mode | name | needs | also takes |',
    '|---|---|---|---|',
    ...model.modes.map((m) => `| \`${m.id}\` | ${m.name} | ${m.requires.join(', ')} | ${m.accepts.join(', ')} |`),
    '',
    '## Fields',
    '',
    `Besides \`model\` (\`"${model.id}"\`). Unknown fields are refused with 400 \`unknown_field\`; every 400 names the field in \`error.param\` and the rule in \`error.reason\`.`,
    '',
    '| field | type | required | default | rule | meaning |',
    '|---|---|---|---|---|---|',
    ...fieldRows(inputSchema),
    '',
    '## Limits',
    '',
    `Duration ${entry.limits.duration.min}..${entry.limits.duration.max} s (default ${entry.defaults.duration}); prompt at most ${entry.limits.prompt_max_chars} characters, ` +
      `negative prompt at most ${entry.limits.negative_prompt_max_chars}. Media are checked by probing their bytes:`,
    '',
    '| input | formats | dimensions | duration | size |',
    '|---|---|---|---|---|',
    ...mediaRows(entry),
    '',
    `Media values: http(s) URLs, base64 \`data:\` URIs, or uploads (\`POST ${baseUrl}/v1/uploads/images\` or \`/v1/files\`; kept ${hours(input.uploadRetentionSeconds)}).`,
    '',
    '## Output',
    '',
    `MP4, H.264 + AAC, 30 fps, \`duration\` seconds. Text-to-video sizes (image-to-video keeps the input's aspect at about the same pixel count):`,
    '',
    `| size | ${entry.resolutions.join(' | ')} |`,
    `|---|${entry.resolutions.map(() => '---').join('|')}|`,
    ...sizeRows(entry),
    '',
    '## Billing',
    '',
    ...billing(entry),
    '',
    '## Examples',
    '',
    ...examples,
    '```sh',
    `curl -s ${baseUrl}/v1/videos/generations -H "Authorization: Bearer $KEY" -H 'content-type: application/json' \\`,
    `  -H 'X-APIMart-Response-Version: 2026-07-27' -H 'Idempotency-Key: my-request-1' \\`,
    `  -d '${JSON.stringify({ model: model.id, ...first })}'`,
    `curl -s ${baseUrl}/v1/tasks/task_... -H "Authorization: Bearer $KEY" -H 'Prefer: wait=30'`,
    '```',
    '',
    '## Tasks and results',
    '',
    'Statuses: `pending`, `processing`, then `completed`, `failed` or `cancelled` (treat an unknown status as "keep polling"). ' +
      `A completed task's \`result.videos[0].url[0]\` is a signed link that needs no key, valid ${hours(input.resultUrlTtlSeconds)} ` +
      "(never past the result's retention). A failed task's `error.reason` is a machine code; `?language=zh` gives its message in Chinese.",
    '',
  ].join('\n');
}
