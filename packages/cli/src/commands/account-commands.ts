import { Wangate } from '@wangate/client';
import { parseCommand, parseInteger, parseTime, positionals } from '../args.js';
import { exitCodes, UsageError } from '../exit-codes.js';
import { formatMoney, formatTable, formatTime, Output, type Streams } from '../output.js';
import { connect, defaultBaseUrl, profileName, readConfig, saveProfile, warnVisibleKey } from '../profile.js';

export const balanceUsage = 'wangate balance [--json]';
export const usageUsage = 'wangate usage [--from TIME] [--to TIME] [--limit N] [--after CURSOR] [--json]';
export const loginUsage = 'wangate login [--base-url URL] [--profile NAME]   (the key is read from stdin or asked for)';

export async function runBalance(args: string[], streams: Streams): Promise<number> {
  const { values, positionals: rest } = parseCommand(args, {});
  positionals(rest, [], balanceUsage);
  const out = new Output(values, streams);
  const me = await (await connect(values, streams.env, out)).me.retrieve();
  out.result(me, () => `${formatMoney(me.balance, me.currency)}  (key ${me.name}, ${me.prefix}…)`);
  return exitCodes.done;
}

export async function runUsage(args: string[], streams: Streams): Promise<number> {
  const { values, positionals: rest } = parseCommand(args, {
    from: { type: 'string' },
    to: { type: 'string' },
    limit: { type: 'string' },
    after: { type: 'string' },
  });
  positionals(rest, [], usageUsage);
  const out = new Output(values, streams);
  const usage = await (await connect(values, streams.env, out)).usage.list({
    ...(values.from !== undefined && { from: parseTime(values.from, '--from') }),
    ...(values.to !== undefined && { to: parseTime(values.to, '--to') }),
    ...(values.limit !== undefined && { limit: parseInteger(values.limit, '--limit') }),
    ...(values.after !== undefined && { after: values.after }),
  });
  out.result(usage, () => {
    const t = usage.totals;
    const money = (n: number) => formatMoney(n, usage.currency);
    const totals = `credited ${money(t.credited)} · captured ${money(t.captured)} · held ${money(t.outstanding)} · ${t.tasks} tasks`;
    const rows = usage.entries.map((e) => [formatTime(e.created), e.kind, money(e.amount), e.task_id ?? e.note ?? '']);
    const table = rows.length > 0 ? formatTable(['TIME (UTC)', 'KIND', 'AMOUNT', 'TASK / NOTE'], rows) : 'no ledger entries';
    return [totals, table, usage.next_cursor ? `more: wangate usage --after ${usage.next_cursor}` : ''].filter(Boolean).join('\n');
  });
  return exitCodes.done;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').trim();
}

/** The key to log in with: never from argv unless --api-key (warned); piped stdin, or a masked prompt. */
async function askKey(streams: Streams): Promise<string> {
  if (!process.stdin.isTTY) return readStdin();
  const { password, isCancel } = await import('@clack/prompts');
  const value = await password({ message: 'API key (wg_…)', output: streams.stderr });
  if (isCancel(value)) throw new UsageError('login cancelled');
  return value.trim();
}

/** wangate login: checks the key against the server (GET /v1/me), then keeps it in the profile (mode 0600). */
export async function runLogin(args: string[], streams: Streams): Promise<number> {
  const { values, positionals: rest } = parseCommand(args, {});
  positionals(rest, [], loginUsage);
  const out = new Output(values, streams);
  const name = profileName(values, streams.env);
  const existing = (await readConfig(streams.env)).profiles[name];
  const baseURL = values['base-url'] ?? existing?.base_url ?? streams.env.WANGATE_BASE_URL ?? defaultBaseUrl;
  if (values['api-key'] !== undefined) warnVisibleKey(out);
  const apiKey = values['api-key'] ?? (await askKey(streams));
  if (!apiKey) throw new UsageError('no API key given (pipe it to stdin, or type it at the prompt)');
  const me = await new Wangate({ apiKey, baseURL }).me.retrieve();
  const file = await saveProfile(streams.env, name, { base_url: baseURL, api_key: apiKey });
  out.result({ profile: name, base_url: baseURL, key_id: me.id }, () => `logged in to ${baseURL} as ${me.name} (${me.prefix}…); profile '${name}' saved in ${file}`);
  return exitCodes.done;
}
