/**
 * `wangate dev fake-dashscope`: starts the DashScope simulator and prints its base URL.
 * Keys are `--key KEY[:ACCOUNT[:arrears]]` (repeatable; default `sk-fake`, account `default`).
 * The caller owns the process: this returns the running server and never exits.
 */
import { parseArgs } from 'node:util';
import { type FakeDashscope, type FakeDashscopeFaults, type FakeDashscopeOptions, type FakeDashscopeVariants, startFakeDashscope } from './fake-dashscope.js';

const USAGE = `Usage: wangate dev fake-dashscope [options]
  --host HOST                  listen address (default 127.0.0.1)
  --port PORT                  listen port (default 0: any free port)
  --key KEY[:ACCOUNT[:arrears]] accepted API key, repeatable (default sk-fake)
  --pending-ms MS              time in PENDING (default 1000)
  --running-ms MS              time in RUNNING (default 3000)
  --query-limit N              task queries + list calls per second per account (default 20)
  --result-url-ttl-ms MS       signed video_url lifetime (default 24 h)
  --task-expiry-ms MS          age after which a task queries as UNKNOWN (default 24 h)
  --invalid-fail-ms MS         a task with bad input turns FAILED this long after its create (default 100)
  --usage-numbers FORM         usage durations as integer (10), float (10.0, default) or fractional (10.02)
  --without-usage-fps          leave usage.fps out (most recorded answers have none)
  --model-not-found-status N   "Model not exist." as 404 (default, recorded) or 400 (documented)
  --actual-prompt              add output.actual_prompt (older models only)
  --create-error-rate P        create answers 500 InternalError (0..1)
  --create-throttle-rate P     create answers 429 Throttling
  --create-cut-before-rate P   create connection cut before the task exists
  --create-cut-after-rate P    create connection cut after the task exists
  --create-hang-rate P         create never answers (the task exists)
  --query-error-rate P         query/list answers 500
  --query-cut-rate P           query/list connection cut
  --task-failure-rate P        task ends FAILED / InternalError
  --seed N                     fault PRNG seed (default 1)`;

const NUMBER_FLAGS = {
  'pending-ms': 'pendingMs',
  'running-ms': 'runningMs',
  'query-limit': 'queryLimitPerSecond',
  'result-url-ttl-ms': 'resultUrlTtlMs',
  'task-expiry-ms': 'taskExpiryMs',
  'invalid-fail-ms': 'invalidFailMs',
} as const satisfies Record<string, keyof FakeDashscopeOptions>;

const FAULT_FLAGS = {
  'create-error-rate': 'createError500',
  'create-throttle-rate': 'createThrottle429',
  'create-cut-before-rate': 'createCutBeforeAccept',
  'create-cut-after-rate': 'createCutAfterAccept',
  'create-hang-rate': 'createHangAfterAccept',
  'query-error-rate': 'queryError500',
  'query-cut-rate': 'queryCut',
  'task-failure-rate': 'taskFailure',
  seed: 'seed',
} as const satisfies Record<string, keyof FakeDashscopeFaults>;

function number(flag: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n < min || n > max) throw new Error(`--${flag} must be a number in [${min}, ${max}], got "${raw}"`);
  return n;
}

function parseVariants(v: Record<string, string | string[] | boolean | undefined>): Partial<FakeDashscopeVariants> {
  const out: Partial<FakeDashscopeVariants> = {};
  const numbers = v['usage-numbers'];
  if (numbers !== undefined) {
    if (numbers !== 'integer' && numbers !== 'float' && numbers !== 'fractional') throw new Error(`--usage-numbers must be integer, float or fractional, got "${String(numbers)}"`);
    out.usageNumbers = numbers;
  }
  const status = v['model-not-found-status'];
  if (status !== undefined) {
    if (status !== '404' && status !== '400') throw new Error(`--model-not-found-status must be 404 or 400, got "${String(status)}"`);
    out.modelNotFoundStatus = status === '404' ? 404 : 400;
  }
  if (v['without-usage-fps']) out.usageFps = false;
  if (v['actual-prompt']) out.actualPrompt = true;
  return out;
}

function parseKey(raw: string): FakeDashscopeOptions['keys'][number] {
  const [key, account = 'default', flag] = raw.split(':');
  if (!key || (flag !== undefined && flag !== 'arrears')) throw new Error(`--key must be KEY[:ACCOUNT[:arrears]], got "${raw}"`);
  return { key, account, arrears: flag === 'arrears' };
}

/** Parses the flags into simulator options; throws an Error with a readable message on a bad flag. */
export function parseFakeDashscopeArgs(argv: string[]): FakeDashscopeOptions | 'help' {
  const stringFlags = [...Object.keys(NUMBER_FLAGS), ...Object.keys(FAULT_FLAGS), 'host', 'port', 'usage-numbers', 'model-not-found-status'];
  const { values } = parseArgs({
    args: argv,
    options: {
      ...Object.fromEntries(stringFlags.map((f) => [f, { type: 'string' as const }])),
      key: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
      'without-usage-fps': { type: 'boolean' },
      'actual-prompt': { type: 'boolean' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return 'help';
  const v = values as Record<string, string | string[] | boolean | undefined>;
  const str = (f: string) => (typeof v[f] === 'string' ? (v[f] as string) : undefined);
  const opts: FakeDashscopeOptions = { keys: ((v.key as string[] | undefined) ?? ['sk-fake']).map(parseKey) };
  const host = str('host');
  if (host !== undefined) opts.host = host;
  const port = str('port');
  if (port !== undefined) opts.port = number('port', port, 0, 65535);
  for (const [flag, key] of Object.entries(NUMBER_FLAGS)) {
    const raw = str(flag);
    if (raw !== undefined) opts[key] = number(flag, raw, key === 'queryLimitPerSecond' ? 1 : 0, Number.MAX_SAFE_INTEGER);
  }
  const faults: Partial<FakeDashscopeFaults> = {};
  for (const [flag, key] of Object.entries(FAULT_FLAGS)) {
    const raw = str(flag);
    if (raw !== undefined) faults[key] = key === 'seed' ? number(flag, raw, 0, 2 ** 32 - 1) : number(flag, raw, 0, 1);
  }
  if (Object.keys(faults).length > 0) opts.faults = faults;
  const variants = parseVariants(v);
  if (Object.keys(variants).length > 0) opts.variants = variants;
  return opts;
}

/** Starts the simulator from command-line flags and prints its URL; resolves to the running server (undefined for --help). */
export async function runFakeDashscopeCli(argv: string[]): Promise<FakeDashscope | undefined> {
  const opts = parseFakeDashscopeArgs(argv);
  if (opts === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return undefined;
  }
  const fake = await startFakeDashscope(opts);
  const keys = opts.keys.map((k) => `${k.key} (account ${k.account}${k.arrears ? ', arrears' : ''})`).join(', ');
  process.stdout.write(`fake DashScope listening on ${fake.url}\nkeys: ${keys}\n`);
  return fake;
}
