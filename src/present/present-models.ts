import type { MediaLimit, ModelInfo } from '../domain/model-catalogue.js';
import type { Engine } from '../domain/ports.js';
import { formatMinor, type PriceTable } from '../domain/pricing.js';
import type { ModelJson } from './model-schemas.js';

/** Price per second of each resolution, as an exact decimal string and in integer minor units. */
export function presentPrices(prices: PriceTable): Record<string, { amount: string; amount_minor: number }> {
  return Object.fromEntries(
    Object.entries(prices.perSecondMinor).map(([resolution, minor]) => [resolution, { amount: formatMinor(minor, prices.minorPerMajor), amount_minor: minor }]),
  );
}

const mediaLimit = (l: MediaLimit) => ({
  max_bytes: l.maxBytes,
  ...(l.minSide !== undefined && { min_side: l.minSide }),
  ...(l.maxSide !== undefined && { max_side: l.maxSide }),
  ...(l.minSeconds !== undefined && { min_seconds: l.minSeconds }),
  ...(l.maxSeconds !== undefined && { max_seconds: l.maxSeconds }),
});

/** One entry of GET /v1/models: the model's own rules, this server's prices and engine. */
export function presentModel(m: ModelInfo, prices: PriceTable, engine: Pick<Engine, 'id' | 'description'>): ModelJson {
  return {
    id: m.id,
    object: 'model',
    owned_by: 'wangate',
    operation: m.operation,
    summary: m.summary,
    modes: m.modes.map((mode) => ({ id: mode.id, name: mode.name, requires: [...mode.requires], accepts: [...mode.accepts] })),
    fields: [...m.fields],
    resolutions: [...m.resolutions],
    default_resolution: m.defaults.resolution,
    sizes: [...m.sizes],
    defaults: { duration: m.defaults.duration, size: m.defaults.size, prompt_extend: m.defaults.promptExtend, watermark: m.defaults.watermark },
    limits: {
      duration: m.limits.durationSeconds,
      ...(m.limits.durationWithReferenceVideoSeconds && { duration_with_reference_video: m.limits.durationWithReferenceVideoSeconds }),
      ...(m.limits.references && { references: m.limits.references }),
      ...(m.limits.referenceImages && { reference_images: m.limits.referenceImages }),
      prompt_max_chars: m.limits.promptChars,
      negative_prompt_max_chars: m.limits.negativePromptChars,
      media: Object.fromEntries(Object.entries(m.limits.media).map(([role, l]) => [role, mediaLimit(l)])),
    },
    pricing: { currency: prices.currency, unit: 'second', minor_per_major: prices.minorPerMajor, per_second: presentPrices(prices), billing: m.billing },
    engine: { id: engine.id, description: engine.description },
  };
}
