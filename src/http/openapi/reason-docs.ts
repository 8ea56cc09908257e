/**
 * The reason catalogue (domain/errors.ts) as documentation: the OpenAPI `ErrorReason` component and the
 * README's table of reasons are both rendered from here, so neither can drift from the code
 * (`npm run openapi` rewrites both; test/integration/openapi.test.ts fails when either is stale).
 */
import { reasonCatalogue, reasons } from '../../domain/errors.js';
import { httpStatusOf } from '../../present/error-status.js';

export const reasonRule =
  'The machine code of a failure: stable, one per rule. `permanent`: the same request (or task) fails the same way again; ' +
  '`retryable`: it may succeed later unchanged (failed tasks are retried by the server first). New reasons may be added: ' +
  "handle an unknown one by the error's `type`. An upstream's own error codes are never reasons: DashScope's are mapped " +
  "to these and quoted in `message`; a relay upstream's reason passes through when it is one of these, else it becomes " +
  '`upstream_invalid_request` with the original in `message`.';

/** `400 invalid_request_error`, or several joined when the reason is reported with more than one code. */
function statusesOf(reason: keyof typeof reasonCatalogue): string {
  return reasonCatalogue[reason].codes.map((code) => httpStatusOf(code).join(' ')).join(', ');
}

/** One line per reason, in catalogue order, for the OpenAPI `x-enum-descriptions` extension. */
export function reasonDescriptions(): string[] {
  return reasons.map((r) => `${statusesOf(r)}, ${reasonCatalogue[r].retry}: ${reasonCatalogue[r].meaning}`);
}

export const readmeStart = '<!-- reasons:start (generated from src/domain/errors.ts by npm run openapi; do not edit) -->';
export const readmeEnd = '<!-- reasons:end -->';

/** The README block between the markers (markers included). */
export function readmeReasonBlock(): string {
  const rows = reasons.map((r) => `| \`${r}\` | ${statusesOf(r)} | ${reasonCatalogue[r].retry} | ${reasonCatalogue[r].meaning.replace(/\|/g, '\\|')} |`);
  return [
    readmeStart,
    reasonRule,
    '',
    `<details><summary>All ${reasons.length} reasons</summary>`,
    '',
    '| reason | HTTP status and type | retry | meaning |',
    '|---|---|---|---|',
    ...rows,
    '',
    '</details>',
    readmeEnd,
  ].join('\n');
}

/** The README with its reason block replaced by the current one; throws when the markers are missing. */
export function withReadmeReasons(readme: string): string {
  const start = readme.indexOf(readmeStart);
  const end = readme.indexOf(readmeEnd);
  if (start < 0 || end < start) throw new Error('README.md lacks the reason block markers');
  return readme.slice(0, start) + readmeReasonBlock() + readme.slice(end + readmeEnd.length);
}
