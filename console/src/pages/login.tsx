import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { ErrorNotice, Notice } from '../components.js';
import type { Ok, OwnKey } from '../types.js';

/**
 * Sign-in: the key goes in the body of one POST and is exchanged for an HttpOnly cookie. The page
 * keeps no copy: the field is cleared and nothing is written to storage or the URL.
 */
export function LoginPage({ notice, banner, onSignedIn }: { notice: string | null; banner: ComponentChildren; onSignedIn: (me: OwnKey) => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api('POST', '/console/session', { key: key.trim() });
      setKey('');
      onSignedIn((await api<Ok<OwnKey>>('GET', '/v1/me')).data);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="login" id="main">
      {banner}
      <form class="card login-card" method="post" action="/console/session" onSubmit={submit}>
        <h1>wangate console</h1>
        <p class="muted">Sign in with an API key (admin or user). The key is exchanged for a session cookie and never kept by this page.</p>
        {notice && <Notice kind="info">{notice}</Notice>}
        <ErrorNotice error={error} />
        <label class="field">
          <span class="field-label">API key</span>
          <input
            name="key"
            type="password"
            autocomplete="off"
            spellcheck={false}
            required
            placeholder="wg_…"
            value={key}
            onInput={(e) => setKey((e.target as HTMLInputElement).value)}
          />
        </label>
        <button type="submit" disabled={busy || !key.trim()}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p class="muted small">
          No key yet? The server prints the admin key at its first start; an administrator creates user keys. API reference: <a href="/docs">/docs</a>.
        </p>
      </form>
    </main>
  );
}
