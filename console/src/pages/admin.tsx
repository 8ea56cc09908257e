import { api, query } from '../api.js';
import type { Session } from '../app.js';
import { ErrorNotice, Section, TableWrap, useLoad } from '../components.js';
import { amount } from '../format.js';
import { LedgerView } from '../ledger-view.js';
import type { Key, Ok, ServerInfo, Usage } from '../types.js';

interface KeySpend {
  key: Key;
  totals: Usage['totals'];
}

async function loadKeys(): Promise<KeySpend[]> {
  const keys = (await api<Ok<Key[]>>('GET', '/admin/keys')).data;
  return Promise.all(keys.map(async (key) => ({ key, totals: (await api<Ok<Usage>>('GET', `/admin/usage${query({ key_id: key.id, limit: 1 })}`)).data.totals })));
}

function ServerSummary() {
  const info = useLoad(() => api<Ok<ServerInfo>>('GET', '/admin/server'), []);
  const s = info.data?.data;
  return (
    <Section title="Server">
      <ErrorNotice error={info.error} />
      {s && (
        <dl class="facts" data-testid="server-info">
          <dt>Version</dt>
          <dd>{s.version}</dd>
          <dt>Engine</dt>
          <dd>
            <strong>{s.engine.id}</strong>: {s.engine.description}
          </dd>
          <dt>Engines served</dt>
          <dd>{s.engines.join(', ')}</dd>
          <dt>Base URL</dt>
          <dd>
            <code>{s.base_url}</code>
          </dd>
          <dt>Billing</dt>
          <dd>{s.billing ? 'on' : 'off (no holds, no balance checks)'}</dd>
          <dt>Price per second</dt>
          <dd>
            {Object.entries(s.price_per_second)
              .map(([res, p]) => `${res}: ${p.amount} ${s.currency}`)
              .join(' · ')}
          </dd>
          <dt>Result links</dt>
          <dd>valid {s.result_url_ttl_seconds / 3600} h; results kept {s.retention_hours.results} h, uploads {s.retention_hours.uploads} h</dd>
          <dt>Webhooks</dt>
          <dd>
            timeout {s.webhooks.timeout_ms} ms; retries after {s.webhooks.retry_delays_seconds.join(', ')} s
          </dd>
          <dt>Worker lease</dt>
          <dd>{s.worker_lease_seconds} s</dd>
          <dt>Console sessions</dt>
          <dd>{s.console_session_hours} h</dd>
        </dl>
      )}
    </Section>
  );
}

/** Admins: every key with balance and spend, everyone's usage, the server's settings. */
export function AdminPage(_props: { session: Session }) {
  const keys = useLoad(loadKeys, []);
  const names = new Map((keys.data ?? []).map((k) => [k.key.id, k.key.name]));
  return (
    <>
      <Section title="Keys: balances and spend">
        <ErrorNotice error={keys.error} />
        {keys.data && (
          <TableWrap label="Keys: balances and spend" cards>
            <thead>
              <tr>
                <th>Name</th>
                <th>Key</th>
                <th>Scopes</th>
                <th>Status</th>
                <th class="num">Balance</th>
                <th class="num">Spent</th>
                <th class="num">Held now</th>
                <th class="num">Tasks</th>
              </tr>
            </thead>
            <tbody>
              {[...keys.data].reverse().map(({ key, totals }) => (
                <tr>
                  <td data-label="Name">{key.name}</td>
                  <td data-label="Key">
                    <code>{key.prefix}…</code>
                  </td>
                  <td data-label="Scopes">{key.scopes.join(', ')}</td>
                  <td data-label="Status">{key.revoked ? 'revoked' : key.expires_at !== null && key.expires_at * 1000 < Date.now() ? 'expired' : 'active'}</td>
                  <td class="num" data-label="Balance">{amount(key.balance, key.currency)}</td>
                  <td class="num" data-label="Spent">{amount(totals.captured, key.currency)}</td>
                  <td class="num" data-label="Held now">{amount(totals.outstanding, key.currency)}</td>
                  <td class="num" data-label="Tasks">{totals.tasks}</td>
                </tr>
              ))}
            </tbody>
          </TableWrap>
        )}
      </Section>
      <LedgerView path="/admin/usage" title="Usage across keys" keyNames={names} csvName="wangate-usage-all-keys.csv" />
      <ServerSummary />
    </>
  );
}
