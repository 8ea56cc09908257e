/** Where the CLI writes: results on stdout (the API's JSON with --json), everything for people on stderr. */
export interface Streams {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
}

export interface OutputFlags {
  json?: boolean | undefined;
  quiet?: boolean | undefined;
}

const isCi = (env: NodeJS.ProcessEnv) => Boolean(env.CI) && env.CI !== 'false' && env.CI !== '0';

export class Output {
  readonly json: boolean;
  readonly quiet: boolean;
  /** Progress bars: only for a person at a terminal (both streams TTYs, not CI, not --json or --quiet). */
  readonly animate: boolean;

  constructor(
    flags: OutputFlags,
    readonly streams: Streams,
  ) {
    this.json = Boolean(flags.json);
    this.quiet = Boolean(flags.quiet);
    this.animate = !this.json && !this.quiet && Boolean(streams.stdout.isTTY && streams.stderr.isTTY) && !isCi(streams.env);
  }

  /** The command's result: the API's JSON with --json, else the text for people. */
  result(json: unknown, human: () => string): void {
    const text = this.json ? JSON.stringify(json, null, 2) : human();
    if (text) this.streams.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** A note for people (stderr); silent with --json or --quiet. */
  info(message: string): void {
    if (!this.json && !this.quiet) this.streams.stderr.write(`${message}\n`);
  }

  /** Warnings and errors always reach stderr. */
  warn(message: string): void {
    this.streams.stderr.write(`wangate: ${message}\n`);
  }
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export function formatMoney(amount: number | null | undefined, currency: string | undefined): string {
  if (amount === null || amount === undefined) return 'unlimited';
  const text = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 4 }).format(amount);
  return currency ? `${text} ${currency}` : text;
}

export function formatTime(unixSeconds: number | null | undefined): string {
  if (unixSeconds === null || unixSeconds === undefined) return '-';
  return new Date(unixSeconds * 1000).toISOString().replace('T', ' ').slice(0, 19);
}

/** Columns padded to their widest cell. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}
