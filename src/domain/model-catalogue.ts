import { mediaLimits } from './media-rules.js';
import { aspectRatios, resolutions, type AspectRatio, type Resolution } from './output-size.js';
import { createRequestSchema, parseCreateRequest, type Mode } from './request.js';

/**
 * What each model offers, derived from the rules that validate its requests (so a form built from
 * it, like the console's playground, can never drift from the server): modes, fields, limits and
 * defaults. Prices and the engine are the server's configuration, added by the presenter.
 */

export interface ModeInfo {
  id: Mode;
  name: string;
  /** The media this mode takes: required ones first, then optional ones. */
  requires: readonly string[];
  accepts: readonly string[];
}

export interface ModelInfo {
  id: string;
  operation: 'video_generation';
  modes: readonly ModeInfo[];
  /** Every field of the create request. */
  fields: readonly string[];
  resolutions: readonly Resolution[];
  sizes: readonly AspectRatio[];
  defaults: { resolution: Resolution; duration: number; size: AspectRatio; promptExtend: boolean; watermark: boolean };
  limits: {
    durationSeconds: { min: number; max: number };
    promptChars: number;
    negativePromptChars: number;
    media: typeof mediaLimits;
  };
}

const wan27Modes: readonly ModeInfo[] = [
  { id: 't2v', name: 'text-to-video', requires: ['prompt'], accepts: ['audio_url'] },
  { id: 'i2v_first_frame', name: 'first frame', requires: ['first_frame'], accepts: ['audio_url'] },
  { id: 'i2v_first_last', name: 'first + last frame', requires: ['first_frame', 'last_frame'], accepts: ['audio_url'] },
  { id: 'video_continuation', name: 'continuation', requires: ['video_urls'], accepts: ['last_frame'] },
];

function describeWan27(): ModelInfo {
  const shape = createRequestSchema.shape;
  const duration = shape.duration.unwrap();
  // The defaults the parser fills in for a bare request, read from the parser itself.
  const bare = parseCreateRequest({ model: 'wan2.7', prompt: 'x' }, () => 0);
  return {
    id: 'wan2.7',
    operation: 'video_generation',
    modes: wan27Modes,
    fields: Object.keys(shape),
    resolutions,
    sizes: aspectRatios,
    defaults: { resolution: bare.resolution, duration: bare.durationSeconds, size: bare.size, promptExtend: bare.promptExtend, watermark: bare.watermark },
    limits: {
      durationSeconds: { min: duration.minValue ?? 0, max: duration.maxValue ?? 0 },
      promptChars: shape.prompt.unwrap().maxLength ?? 0,
      negativePromptChars: shape.negative_prompt.unwrap().maxLength ?? 0,
      media: mediaLimits,
    },
  };
}

/** Every model this server offers. */
export const modelCatalogue: readonly ModelInfo[] = [describeWan27()];
