import { formatMinor } from '../../src/domain/pricing.js';

/**
 * Money: the API answers major units; the console turns each value into integer minor units once
 * (exact: the server keeps minor units) and only ever adds integers, then prints them exactly.
 */
export let minorPerMajor = 10_000;
export function setMinorPerMajor(value: number): void {
  minorPerMajor = value;
}

export const toMinor = (major: number): number => Math.round(major * minorPerMajor);
export const money = (minor: number, currency?: string): string => `${formatMinor(minor, minorPerMajor)}${currency ? ` ${currency}` : ''}`;
/** An API amount (major units) as text; null for unlimited balances. */
export const amount = (major: number | null, currency?: string): string => (major === null ? 'unlimited' : money(toMinor(major), currency));

export const dateTime = (unixSeconds: number | null | undefined): string =>
  unixSeconds === null || unixSeconds === undefined ? '—' : new Date(unixSeconds * 1000).toLocaleString();

/** YYYY-MM-DD of a unix time in the viewer's time zone. */
export function day(unixSeconds: number): string {
  const d = new Date(unixSeconds * 1000);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** `datetime-local` input value <-> unix seconds (local time). */
export const fromLocalInput = (value: string): number | undefined => (value ? Math.floor(new Date(value).getTime() / 1000) : undefined);
export function toLocalInput(unixSeconds: number): string {
  const d = new Date(unixSeconds * 1000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** One CSV field (RFC 4180): quoted when it holds a comma, quote or line break; formulas defused. */
export function csvField(value: string | number | null | undefined): string {
  let s = value === null || value === undefined ? '' : String(value);
  // A cell starting with = + - @ would run as a formula in a spreadsheet; numbers stay numbers.
  if (/^[=+\-@\t\r]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const csv = (rows: (string | number | null | undefined)[][]): string => rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';

/** Offers text as a file download (CSV export). */
export function download(filename: string, text: string, type = 'text/csv'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A string quoted for a POSIX shell. */
export const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
