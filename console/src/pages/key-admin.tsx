import { useState } from 'preact/hooks';
import { api } from '../api.js';
import type { Session } from '../app.js';
import { CopyButton, ErrorNotice, Field, Notice, Section, TableWrap, useAction, useLoad } from '../components.js';
import { amount, dateTime, fromLocalInput, toLocalInput } from '../format.js';
import type { CreatedKey, Key, Ok } from '../types.js';

const numberOrNull = (s: string): number | null => (s.trim() === '' ? null : Number(s));
const text = (form: HTMLFormElement, name: string): string => (form.elements.namedItem(name) as HTMLInputElement | null)?.value ?? '';
const checked = (form: HTMLFormElement, name: string): boolean => (form.elements.namedItem(name) as HTMLInputElement | null)?.checked ?? false;

function limitsOf(form: HTMLFormElement) {
  return { requests_per_minute: numberOrNull(text(form, 'rpm')), max_running: numberOrNull(text(form, 'running')), max_queued: numberOrNull(text(form, 'queued')) };
}

function LimitFields({ k }: { k?: Key }) {
  return (
    <div class="row">
      <Field label="Requests / minute" hint="empty: no limit">
        <input name="rpm" type="number" min={1} inputMode="numeric" defaultValue={k?.limits.requests_per_minute ?? ''} />
      </Field>
      <Field label="Running at once" hint="empty: no limit">
        <input name="running" type="number" min={1} inputMode="numeric" defaultValue={k?.limits.max_running ?? ''} />
      </Field>
      <Field label="Queued at most" hint="empty: no limit">
        <input name="queued" type="number" min={1} inputMode="numeric" defaultValue={k?.limits.max_queued ?? ''} />
      </Field>
    </div>
  );
}

/** The new secret, shown this once: it cannot be read again from anywhere. */
function NewSecret({ created, onDone }: { created: CreatedKey; onDone: () => void }) {
  return (
    <div class="new-secret" role="status" data-testid="new-secret">
      <p>
        <strong>Key “{created.name}” created.</strong> Copy its secret now: it is shown only this once.
      </p>
      <div class="secret">
        <code data-testid="new-secret-value">{created.key}</code>
        <CopyButton text={created.key} name="new key secret" />
      </div>
      <p class="small">
        Its webhook signing secret: <code>{created.webhook_secret}</code> <CopyButton text={created.webhook_secret} name="webhook secret" />
      </p>
      <button type="button" onClick={onDone}>
        I have saved it
      </button>
    </div>
  );
}

function CreateKeyForm({ onCreated }: { onCreated: (k: CreatedKey) => void }) {
  const { error, run } = useAction();
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const balance = text(form, 'balance').trim();
    const expires = fromLocalInput(text(form, 'expires'));
    const webhook = text(form, 'webhook').trim();
    const limits = Object.fromEntries(Object.entries(limitsOf(form)).filter(([, v]) => v !== null));
    await run(async () => {
      const res = await api<Ok<CreatedKey>>('POST', '/admin/keys', {
        name: text(form, 'name').trim(),
        scopes: [text(form, 'scope')],
        ...(balance !== '' && { balance: Number(balance) }),
        ...(Object.keys(limits).length > 0 && { limits }),
        ...(expires !== undefined && { expires_at: expires }),
        ...(webhook && { webhook_url: webhook }),
      });
      form.reset();
      onCreated(res.data);
    });
  };
  return (
    <form class="stack" onSubmit={submit} aria-label="Create a key">
      <ErrorNotice error={error} />
      <div class="row">
        <Field label="Name">
          <input name="name" required maxLength={200} placeholder="my-app" />
        </Field>
        <Field label="Scope">
          <select name="scope">
            <option value="user">user</option>
            <option value="admin">admin</option>
          </select>
        </Field>
        <Field label="Starting balance" hint="empty: unlimited">
          <input name="balance" inputMode="decimal" placeholder="10.00" />
        </Field>
      </div>
      <LimitFields />
      <div class="row">
        <Field label="Expires" hint="empty: never">
          <input name="expires" type="datetime-local" />
        </Field>
        <Field label="Webhook URL" hint="default for its tasks">
          <input name="webhook" type="url" placeholder="https://example.com/hooks/wangate" />
        </Field>
      </div>
      <div>
        <button type="submit">Create key</button>
      </div>
    </form>
  );
}

function EditKey({ k, onSaved, onCancel }: { k: Key; onSaved: () => void; onCancel: () => void }) {
  const { error, run } = useAction();
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const webhook = text(form, 'webhook').trim();
    const saved = await run(() =>
      api('PATCH', `/admin/keys/${encodeURIComponent(k.id)}`, {
        name: text(form, 'name').trim(),
        limits: limitsOf(form),
        expires_at: fromLocalInput(text(form, 'expires')) ?? null,
        webhook_url: webhook === '' ? null : webhook,
        unlimited: checked(form, 'unlimited'),
      }),
    );
    if (saved) onSaved();
  };
  return (
    <form class="stack" onSubmit={submit} aria-label={`Edit ${k.name}`}>
      <ErrorNotice error={error} />
      <div class="row">
        <Field label="Name">
          <input name="name" required defaultValue={k.name} />
        </Field>
        <Field label="Expires" hint="empty: never">
          <input name="expires" type="datetime-local" defaultValue={k.expires_at === null ? '' : toLocalInput(k.expires_at)} />
        </Field>
        <Field label="Webhook URL" hint="empty: none">
          <input name="webhook" type="url" defaultValue={k.webhook_url ?? ''} />
        </Field>
      </div>
      <LimitFields k={k} />
      <label class="check">
        <input name="unlimited" type="checkbox" defaultChecked={k.unlimited} /> Unlimited (no balance checks)
      </label>
      <div class="row-buttons">
        <button type="submit">Save</button>
        <button type="button" class="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function CreditKey({ k, onSaved }: { k: Key; onSaved: () => void }) {
  const { error, run } = useAction();
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const note = text(form, 'note');
    if (await run(() => api('POST', `/admin/keys/${encodeURIComponent(k.id)}/credit`, { amount: Number(text(form, 'amount')), ...(note && { note }) }))) onSaved();
  };
  return (
    <form class="stack" onSubmit={submit} aria-label={`Credit ${k.name}`}>
      <ErrorNotice error={error} />
      <div class="row">
        <Field label={`Amount (${k.currency})`} hint="negative to adjust down">
          <input name="amount" required inputMode="decimal" placeholder="5.00" />
        </Field>
        <Field label="Note">
          <input name="note" maxLength={500} placeholder="top-up" />
        </Field>
      </div>
      <div>
        <button type="submit">Credit</button>
      </div>
    </form>
  );
}

function KeyRow({ k, onChanged }: { k: Key; onChanged: () => void }) {
  const [open, setOpen] = useState<'edit' | 'credit' | 'revoke' | null>(null);
  const { error, run } = useAction();
  const done = () => {
    setOpen(null);
    onChanged();
  };
  const revoke = async () => {
    if (await run(() => api('POST', `/admin/keys/${encodeURIComponent(k.id)}/revoke`))) done();
  };
  const toggle = (what: 'edit' | 'credit' | 'revoke') => setOpen(open === what ? null : what);
  return (
    <>
      <tr class={k.revoked ? 'revoked' : ''} data-key-id={k.id}>
        <td data-label="Name">{k.name}</td>
        <td data-label="Key">
          <code>{k.prefix}…</code>
        </td>
        <td data-label="Scopes">{k.scopes.join(', ')}</td>
        <td class="num" data-label="Balance">{amount(k.balance, k.currency)}</td>
        <td data-label="Expires">{k.expires_at === null ? 'never' : dateTime(k.expires_at)}</td>
        <td data-label="Status">{k.revoked ? 'revoked' : 'active'}</td>
        <td class="actions">
          {!k.revoked && (
            <>
              <button type="button" class="secondary small" aria-expanded={open === 'edit'} aria-label={`Edit ${k.name}`} onClick={() => toggle('edit')}>
                Edit
              </button>
              <button type="button" class="secondary small" aria-expanded={open === 'credit'} aria-label={`Credit ${k.name}`} onClick={() => toggle('credit')} disabled={k.unlimited}>
                Credit
              </button>
              <button type="button" class="danger small" aria-expanded={open === 'revoke'} aria-label={`Revoke ${k.name}`} onClick={() => toggle('revoke')}>
                Revoke
              </button>
            </>
          )}
        </td>
      </tr>
      {open && (
        <tr class="detail">
          <td colSpan={7}>
            <ErrorNotice error={error} />
            {open === 'edit' && <EditKey k={k} onSaved={done} onCancel={() => setOpen(null)} />}
            {open === 'credit' && <CreditKey k={k} onSaved={done} />}
            {open === 'revoke' && (
              <div class="row-buttons">
                <span>Revoke “{k.name}”? Its requests and console sessions stop at once; this cannot be undone.</span>
                <button type="button" class="danger" onClick={revoke}>
                  Confirm revoke
                </button>
                <button type="button" class="secondary" onClick={() => setOpen(null)}>
                  Keep it
                </button>
              </div>
            )}
          </td>
        </tr>
      )}
    </>
  );
}

/** Admins: create, edit, credit and revoke keys. */
export function KeyAdmin({ session }: { session: Session }) {
  const keys = useLoad(() => api<Ok<Key[]>>('GET', '/admin/keys'), []);
  const [created, setCreated] = useState<CreatedKey | null>(null);
  const changed = () => {
    keys.reload();
    session.refreshMe();
  };
  return (
    <>
      <Section title="Create a key">
        {created ? (
          <NewSecret created={created} onDone={() => setCreated(null)} />
        ) : (
          <CreateKeyForm
            onCreated={(k) => {
              setCreated(k);
              keys.reload();
            }}
          />
        )}
      </Section>
      <Section title="All keys">
        <ErrorNotice error={keys.error} />
        {keys.data && keys.data.data.length === 0 && <Notice kind="info">No keys.</Notice>}
        {keys.data && (
          <TableWrap label="All keys" cards>
            <thead>
              <tr>
                <th>Name</th>
                <th>Key</th>
                <th>Scopes</th>
                <th class="num">Balance</th>
                <th>Expires</th>
                <th>Status</th>
                <th>Actions</th>
              </tr>
            </thead>
            <tbody>
              {[...keys.data.data].reverse().map((k) => (
                <KeyRow key={k.id} k={k} onChanged={changed} />
              ))}
            </tbody>
          </TableWrap>
        )}
      </Section>
    </>
  );
}
