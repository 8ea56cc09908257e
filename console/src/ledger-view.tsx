import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, query } from './api.js';
import { ErrorNotice, Field, Notice, Section, TableWrap } from './components.js';
import { amount, dateTime, download } from './format.js';
import { lazy } from './lazy.js';
import { ledgerCsv, totalsPerDay, type DayTotals } from './ledger.js';
import type { LedgerEntry, Ok, Usage } from './types.js';

// The chart library loads with the first chart only.
const DailyChart = lazy<{ days: DayTotals[]; currency: string }>(() => import('./chart.js').then((m) => m.DailyChart));

const presets = { '1': 'Last 24 hours', '7': 'Last 7 days', '30': 'Last 30 days', all: 'All time', custom: 'Custom' } as const;
type Preset = keyof typeof presets;
const pageSize = 500;

function rangeOf(preset: Preset, from: string, to: string): { from?: number; to?: number } {
  if (preset === 'all') return {};
  if (preset === 'custom') {
    const at = (d: string, endOfDay: boolean) => (d ? Math.floor(new Date(`${d}T00:00`).getTime() / 1000) + (endOfDay ? 86_400 : 0) : undefined);
    return { from: at(from, false), to: at(to, true) };
  }
  return { from: Math.floor(Date.now() / 1000) - Number(preset) * 86_400 };
}

/** A ledger (own or everyone's): time range, totals, a chart per day, the entries, CSV of what is shown. */
export function LedgerView({ path, title, keyNames, csvName }: { path: string; title: string; keyNames?: Map<string, string>; csvName: string }) {
  const [preset, setPreset] = useState<Preset>('30');
  const [custom, setCustom] = useState({ from: '', to: '' });
  const [report, setReport] = useState<Usage | null>(null);
  const [entries, setEntries] = useState<LedgerEntry[]>([]);
  const [error, setError] = useState<unknown>(null);
  const range = useMemo(() => rangeOf(preset, custom.from, custom.to), [preset, custom]);

  const load = async (after?: string) => {
    try {
      const res = await api<Ok<Usage>>('GET', `${path}${query({ ...range, limit: pageSize, after })}`);
      setReport(res.data);
      setEntries((old) => (after ? [...old, ...res.data.entries] : res.data.entries));
      setError(null);
    } catch (e) {
      setError(e);
    }
  };
  useEffect(() => void load(), [path, range]);

  const days = useMemo(() => totalsPerDay(entries), [entries]);
  const currency = report?.currency ?? '';
  const t = report?.totals;

  return (
    <>
      <Section title="Time range">
        <div class="row narrow">
          <Field label="Range">
            <select name="range" value={preset} onChange={(e) => setPreset((e.target as HTMLSelectElement).value as Preset)}>
              {Object.entries(presets).map(([v, label]) => (
                <option value={v}>{label}</option>
              ))}
            </select>
          </Field>
          {preset === 'custom' && (
            <>
              <Field label="From (day)">
                <input type="date" value={custom.from} onChange={(e) => setCustom({ ...custom, from: (e.target as HTMLInputElement).value })} />
              </Field>
              <Field label="To (day, inclusive)">
                <input type="date" value={custom.to} onChange={(e) => setCustom({ ...custom, to: (e.target as HTMLInputElement).value })} />
              </Field>
            </>
          )}
        </div>
        <ErrorNotice error={error} />
        {t && (
          <dl class="totals" data-testid="totals">
            <div>
              <dt>Credited</dt>
              <dd>{amount(t.credited, currency)}</dd>
            </div>
            <div>
              <dt>Spent (captured)</dt>
              <dd>{amount(t.captured, currency)}</dd>
            </div>
            <div>
              <dt>Held</dt>
              <dd>{amount(t.held, currency)}</dd>
            </div>
            <div>
              <dt>Released</dt>
              <dd>{amount(t.released, currency)}</dd>
            </div>
            <div>
              <dt>Outstanding holds</dt>
              <dd>{amount(t.outstanding, currency)}</dd>
            </div>
            <div>
              <dt>Tasks</dt>
              <dd>{t.tasks}</dd>
            </div>
          </dl>
        )}
      </Section>
      <Section title="Per day">{days.length > 0 ? <DailyChart days={days} currency={currency} /> : <p class="muted">No entries in this range.</p>}</Section>
      <Section
        title={title}
        actions={
          <button type="button" class="secondary small" disabled={entries.length === 0} onClick={() => download(csvName, ledgerCsv(entries))}>
            Export CSV
          </button>
        }
      >
        {report && entries.length === 0 && <Notice kind="info">No ledger entries in this range.</Notice>}
        {entries.length > 0 && (
          <TableWrap label={title} cards>
            <thead>
              <tr>
                <th>Time</th>
                {keyNames && <th>Key</th>}
                <th>Kind</th>
                <th class="num">Amount</th>
                <th class="num">Balance after</th>
                <th>Task</th>
                <th>Note</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr class={`kind-${e.kind}`}>
                  <td data-label="Time">{dateTime(e.created)}</td>
                  {keyNames && <td data-label="Key">{keyNames.get(e.key_id) ?? e.key_id}</td>}
                  <td data-label="Kind">{e.kind}</td>
                  <td class="num" data-label="Amount">{amount(e.amount)}</td>
                  <td class="num" data-label="Balance after">{e.balance_after === null ? '—' : amount(e.balance_after)}</td>
                  <td data-label="Task">{e.task_id ? <code>{e.task_id}</code> : '—'}</td>
                  <td data-label="Note">{e.note ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </TableWrap>
        )}
        {report?.next_cursor && (
          <button type="button" class="secondary small" onClick={() => void load(report.next_cursor ?? undefined)}>
            Load more
          </button>
        )}
        <p class="muted small">
          {entries.length} entries shown{currency && `, amounts in ${currency}`}. The CSV holds exactly these rows.
        </p>
      </Section>
    </>
  );
}
