import type { FastifyInstance } from 'fastify';
import { clipEcho } from '../domain/clip-echo.js';
import { AppError, invalidField } from '../domain/errors.js';

/**
 * Fastify's own JSON parser (prototype-poisoning checks on, `__proto__` and `constructor.prototype`
 * refused), with refusals that say why: the forbidden key by name, or the parser's own complaint.
 * Only a refused body is looked at again; an accepted one costs nothing more.
 */
export function registerJsonBodyParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    parseJson(request, text, (err, value) => (err ? done(explainRefusal(err, text), undefined) : done(null, value)));
  });
}

function explainRefusal(err: Error, text: string): Error {
  if (text.length === 0) return err;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (syntax) {
    return new AppError('invalid_request', `Body is not valid JSON: ${clipEcho((syntax as Error).message)}`, { param: 'body', reason: 'invalid_json' });
  }
  const key = findForbiddenKey(value);
  if (key === null) return err;
  return invalidField(clipEcho(key), 'forbidden_key', `'${clipEcho(key)}': keys named __proto__, or constructor holding prototype, are not accepted`);
}

/** The path of the first `__proto__` or `constructor.prototype` key in a parsed JSON value, or null. */
export function findForbiddenKey(root: unknown): string | null {
  // Iterative, so deeply nested input cannot overflow the stack.
  const stack: [unknown, string][] = [[root, '']];
  const join = (path: string, key: string) => (path ? `${path}.${key}` : key);
  while (stack.length > 0) {
    const [node, path] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) stack.push([node[i], `${path}[${i}]`]);
      continue;
    }
    if (Object.hasOwn(node, '__proto__')) return join(path, '__proto__');
    const ctor = (node as { constructor?: unknown }).constructor;
    if (Object.hasOwn(node, 'constructor') && ctor !== null && typeof ctor === 'object' && Object.hasOwn(ctor, 'prototype')) {
      return join(path, 'constructor.prototype');
    }
    const entries = Object.entries(node);
    for (let i = entries.length - 1; i >= 0; i--) stack.push([entries[i]![1], join(path, entries[i]![0])]);
  }
  return null;
}
