import { z } from 'zod';
import { familyRequestSchema } from './request.js';

/**
 * Each model's create request schema, read from the create schema itself: one object whose `model` is a
 * literal, or a union of such objects discriminated by `model`. A model added to that schema appears
 * here (and so in GET /v1/model-schema, the model docs and the MCP tools) with nothing else to change.
 */
export function modelRequestSchemas(schema: z.ZodType = familyRequestSchema): ReadonlyMap<string, z.ZodObject> {
  const options = schema instanceof z.ZodUnion ? (schema.options as readonly z.ZodType[]) : [schema];
  const byModel = new Map<string, z.ZodObject>();
  for (const option of options) {
    const model = option instanceof z.ZodObject ? option.shape.model : undefined;
    if (!(model instanceof z.ZodLiteral)) throw new Error('every create request schema must be an object with a literal `model`');
    for (const id of model.values) byModel.set(String(id), option as z.ZodObject);
  }
  return byModel;
}

/** A model's create request without `model` (the field that chose it): what a client fills in. */
export function modelInputSchema(schema: z.ZodObject): z.ZodObject {
  return schema.omit({ model: true });
}
