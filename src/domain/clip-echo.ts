/** How much of a client's own text an error message or `param` repeats back. */
export const maxEchoChars = 100;

/**
 * Client text quoted in an error (a field name, an id, a header value), cut to maxEchoChars with an
 * ellipsis: an error must never repeat megabytes of input back to the sender.
 */
export function clipEcho(text: string, maxChars: number = maxEchoChars): string {
  if (text.length <= maxChars) return text;
  let end = maxChars - 1;
  // Never split a surrogate pair: half an emoji is not valid text.
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}
