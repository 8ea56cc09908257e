import { invalidField } from './errors.js';

/**
 * Fields (and image roles) that another model of the family takes but this one does not: refused with
 * `unsupported_for_model` before the schema runs, so the client learns why rather than "unknown field".
 */
export function unsupportedForModel(body: object, model: string, fields: Record<string, string>, roles: readonly string[] = []): void {
  const b = body as Record<string, unknown>;
  for (const [field, instead] of Object.entries(fields)) {
    if (b[field] !== undefined) throw invalidField(field, 'unsupported_for_model', `${model} does not take '${field}': ${instead}`);
  }
  if (!Array.isArray(b.image_with_roles)) return;
  for (const [i, item] of b.image_with_roles.entries()) {
    const role = (item as { role?: unknown } | null)?.role;
    if (typeof role === 'string' && roles.includes(role)) {
      throw invalidField(`image_with_roles[${i}].role`, 'unsupported_for_model', `${model} does not take images with role '${role}'`);
    }
  }
}
