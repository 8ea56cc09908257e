import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { modelCatalogue } from './model-catalogue.js';
import { modelInputSchema, modelRequestSchemas } from './model-request-schemas.js';
import { createRequestSchema } from './request.js';

describe('modelRequestSchemas', () => {
  it('finds the schema of every catalogued model, and no other', () => {
    const schemas = modelRequestSchemas();
    expect([...schemas.keys()].sort()).toEqual(modelCatalogue.map((m) => m.id).sort());
    expect(schemas.get('wan2.7')).toBe(createRequestSchema);
  });

  it('reads a union discriminated by model, so a model added to it appears without other changes', () => {
    const other = z.strictObject({ model: z.literal('other-model'), prompt: z.string() });
    const schemas = modelRequestSchemas(z.discriminatedUnion('model', [createRequestSchema, other]));
    expect([...schemas.keys()]).toEqual(['wan2.7', 'other-model']);
    expect(schemas.get('other-model')).toBe(other);
  });

  it('refuses a schema whose model is not a literal', () => {
    expect(() => modelRequestSchemas(z.object({ model: z.string() }))).toThrow(/literal/);
  });

  it('the input schema is the request without model, and validates like it', () => {
    const input = modelInputSchema(createRequestSchema);
    expect(Object.keys(input.shape)).not.toContain('model');
    expect(input.safeParse({ prompt: 'a cat', duration: 5 }).success).toBe(true);
    expect(input.safeParse({ prompt: 'a cat', duration: 99 }).success).toBe(false);
    expect(input.safeParse({ prompt: 'a cat', colour: 'red' }).success).toBe(false);
  });
});
