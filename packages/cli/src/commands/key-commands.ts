import type { CreateKeyParams, Key } from '@wangate/client';
import { parseCommand, parseInteger, parseNumber, parseTime, positionals } from '../args.js';
import { exitCodes, UsageError } from '../exit-codes.js';
import { formatMoney, formatTable, formatTime, Output, type Streams } from '../output.js';
import { connect } from '../profile.js';

export const keysUsage = `wangate keys create --name NAME [--balance AMOUNT] [--admin] [--expires-at TIME] [--rpm N] [--max-running N] [--max-queued N] [--webhook-url URL]
  wangate keys list | revoke KEY_ID | credit KEY_ID AMOUNT [--note TEXT]   (admin keys only; --json everywhere)`;

const describeKey = (k: Key) => `${k.id}  ${k.name}  ${k.revoked ? 'revoked' : k.scopes.join(',')}  ${formatMoney(k.balance, k.currency)}`;

async function createKey(args: string[], streams: Streams): Promise<number> {
  const { values, positionals: rest } = parseCommand(args, {
    name: { type: 'string' },
    balance: { type: 'string' },
    admin: { type: 'boolean' },
    'expires-at': { type: 'string' },
    rpm: { type: 'string' },
    'max-running': { type: 'string' },
    'max-queued': { type: 'string' },
    'webhook-url': { type: 'string' },
  });
  positionals(rest, [], keysUsage);
  if (!values.name) throw new UsageError(`--name is required; usage: ${keysUsage}`);
  const out = new Output(values, streams);
  const limits = {
    ...(values.rpm !== undefined && { requests_per_minute: parseInteger(values.rpm, '--rpm') }),
    ...(values['max-running'] !== undefined && { max_running: parseInteger(values['max-running'], '--max-running') }),
    ...(values['max-queued'] !== undefined && { max_queued: parseInteger(values['max-queued'], '--max-queued') }),
  };
  const params: CreateKeyParams = {
    name: values.name,
    scopes: values.admin ? ['admin', 'user'] : ['user'],
    ...(values.balance !== undefined && { balance: parseNumber(values.balance, '--balance') }),
    ...(values['expires-at'] !== undefined && { expires_at: parseTime(values['expires-at'], '--expires-at') }),
    ...(Object.keys(limits).length > 0 && { limits }),
    ...(values['webhook-url'] !== undefined && { webhook_url: values['webhook-url'] }),
  };
  const key = await (await connect(values, streams.env, out)).keys.create(params);
  out.info(`created ${describeKey(key)}; its secret (shown this once) follows on stdout`);
  out.result(key, () => key.key);
  return exitCodes.done;
}

async function listKeys(args: string[], streams: Streams): Promise<number> {
  const { values, positionals: rest } = parseCommand(args, {});
  positionals(rest, [], keysUsage);
  const out = new Output(values, streams);
  const keys = await (await connect(values, streams.env, out)).keys.list();
  const rows = keys.map((k) => [k.id, k.name, k.prefix, k.revoked ? 'revoked' : k.scopes.join(','), formatMoney(k.balance, k.currency), formatTime(k.created)]);
  out.result(keys, () => formatTable(['ID', 'NAME', 'PREFIX', 'SCOPES', 'BALANCE', 'CREATED (UTC)'], rows));
  return exitCodes.done;
}

async function revokeKey(args: string[], streams: Streams): Promise<number> {
  const { values, positionals: rest } = parseCommand(args, {});
  const [keyId] = positionals(rest, ['KEY_ID'], keysUsage);
  const out = new Output(values, streams);
  const key = await (await connect(values, streams.env, out)).keys.revoke(keyId!);
  out.result(key, () => describeKey(key));
  return exitCodes.done;
}

async function creditKey(args: string[], streams: Streams): Promise<number> {
  const { values, positionals: rest } = parseCommand(args, { note: { type: 'string' } });
  const [keyId, amount] = positionals(rest, ['KEY_ID', 'AMOUNT'], keysUsage);
  const out = new Output(values, streams);
  const params = { amount: parseNumber(amount, 'AMOUNT')!, ...(values.note !== undefined && { note: values.note }) };
  const key = await (await connect(values, streams.env, out)).keys.credit(keyId!, params);
  out.result(key, () => describeKey(key));
  return exitCodes.done;
}

const subcommands: Record<string, (args: string[], streams: Streams) => Promise<number>> = {
  create: createKey,
  list: listKeys,
  revoke: revokeKey,
  credit: creditKey,
};

export async function runKeys(args: string[], streams: Streams): Promise<number> {
  const [sub, ...rest] = args;
  const run = sub === undefined ? undefined : subcommands[sub];
  if (!run) throw new UsageError(`expected create, list, revoke or credit; usage: ${keysUsage}`);
  return run(rest, streams);
}
