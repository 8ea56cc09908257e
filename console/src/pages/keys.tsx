import type { Session } from '../app.js';
import { CopyButton, Section, SecretField } from '../components.js';
import { amount, dateTime, shellQuote } from '../format.js';
import { KeyAdmin } from './key-admin.js';

const limit = (n: number | null) => (n === null ? 'no limit' : String(n));

function snippets(base: string, prefix: string) {
  const body = JSON.stringify({ model: 'wan2.7', prompt: 'A cat chasing butterflies on the grass', resolution: '720P', duration: 5 });
  const curl = [
    `# your key (it starts with ${prefix}); the console never shows it again`,
    `export WANGATE_API_KEY=wg_...`,
    `curl -s ${base}/v1/videos/generations \\`,
    `  -H "Authorization: Bearer $WANGATE_API_KEY" -H 'content-type: application/json' \\`,
    `  -d ${shellQuote(body)}`,
    `# then, with the task_id it answers:`,
    `curl -s ${base}/v1/tasks/TASK_ID -H "Authorization: Bearer $WANGATE_API_KEY" -H 'Prefer: wait=30'`,
  ].join('\n');
  const js = [
    `const base = ${JSON.stringify(base)};`,
    `const headers = { authorization: \`Bearer \${process.env.WANGATE_API_KEY}\`, 'content-type': 'application/json' };`,
    `const created = await fetch(\`\${base}/v1/videos/generations\`, { method: 'POST', headers, body: JSON.stringify(${body}) }).then((r) => r.json());`,
    `const taskId = created.data[0].task_id;`,
    `const task = await fetch(\`\${base}/v1/tasks/\${taskId}\`, { headers: { ...headers, prefer: 'wait=60' } }).then((r) => r.json());`,
    `console.log(task.data.status, task.data.result?.videos[0].url[0]);`,
  ].join('\n');
  return { curl, js };
}

/** The seed's "API Key Management Page": the signed-in key, and for admins every key. */
export function KeysPage({ session }: { session: Session }) {
  const { me } = session;
  const { curl, js } = snippets(location.origin, me.prefix);
  return (
    <>
      <Section title="Your key">
        <dl class="facts" data-testid="own-key">
          <dt>Name</dt>
          <dd>{me.name}</dd>
          <dt>Key</dt>
          <dd>
            <code>{me.prefix}…</code> <span class="badge">{me.scopes.join(', ')}</span>
          </dd>
          <dt>Balance</dt>
          <dd data-testid="balance">{amount(me.balance, me.currency)}</dd>
          <dt>Limits</dt>
          <dd>
            requests per minute: {limit(me.limits.requests_per_minute)} · running at once: {limit(me.limits.max_running)} · queued: {limit(me.limits.max_queued)}
          </dd>
          <dt>Expires</dt>
          <dd>{me.expires_at === null ? 'never' : dateTime(me.expires_at)}</dd>
          <dt>Webhook URL</dt>
          <dd>{me.webhook_url ?? <span class="muted">none (a task's callback_url still works)</span>}</dd>
          <dt>Webhook secret</dt>
          <dd>
            <SecretField label="webhook secret" value={me.webhook_secret} />
          </dd>
        </dl>
      </Section>
      <Section title="Use it from code">
        <p class="muted">Base URL: <code>{location.origin}</code>. Keep the key in an environment variable, never in a URL.</p>
        <div class="snippet">
          <div class="snippet-head">
            <span>curl</span>
            <CopyButton text={curl} name="curl snippet" />
          </div>
          <pre>{curl}</pre>
        </div>
        <div class="snippet">
          <div class="snippet-head">
            <span>JavaScript (Node 18+)</span>
            <CopyButton text={js} name="JavaScript snippet" />
          </div>
          <pre>{js}</pre>
        </div>
      </Section>
      {session.isAdmin && <KeyAdmin session={session} />}
    </>
  );
}
