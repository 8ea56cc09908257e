/** The shape of a JSON value: its keys and JSON types, all the way down, without the values. */
export type JsonShape = 'string' | 'number' | 'boolean' | 'null' | JsonShape[] | { [key: string]: JsonShape };

/** Arrays are described by their first element (every array compared here holds one kind of item). */
export function shapeOf(value: unknown): JsonShape {
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.length === 0 ? [] : [shapeOf(value[0])];
  if (typeof value === 'object') {
    const out: { [key: string]: JsonShape } = {};
    for (const key of Object.keys(value as object).sort()) out[key] = shapeOf((value as Record<string, unknown>)[key]);
    return out;
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return typeof value as JsonShape;
  throw new Error(`not a JSON value: ${String(value)}`);
}

/** A copy of an object without some of its keys (a key of the recording that does not apply). */
export function omitKeys(value: unknown, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).filter(([k]) => !keys.includes(k)));
}
