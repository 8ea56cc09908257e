import type { Session } from '../app.js';
import { LedgerView } from '../ledger-view.js';

/** The key's own ledger: holds, captures, releases and credits with the running balance. */
export function UsagePage(_props: { session: Session }) {
  return <LedgerView path="/v1/usage" title="Ledger" csvName="wangate-usage.csv" />;
}
