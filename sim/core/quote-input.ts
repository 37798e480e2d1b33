/**
 * Text from input files quoted in messages: control characters escaped (a message must not move the
 * cursor or recolour the user's terminal), and long text cut, saying how long it was. A malformed
 * 50 MB cell used to be echoed whole to stderr.
 */
export const QUOTE_MAX_CHARS = 80;

/** `'text'`, escaped, or `'first 80 characters…' (52,428,800 characters)` when longer. */
export function quoteInput(text: string, maxChars: number = QUOTE_MAX_CHARS): string {
  return cut(text, maxChars, "'");
}

/** A JSON value as its JSON text (which carries its own quotes), escaped and cut the same way. */
export function quoteJson(value: unknown, maxChars: number = QUOTE_MAX_CHARS): string {
  // JSON.parse reads a number beyond a double's range (1e400) as ±Infinity, which JSON.stringify writes as null.
  if (typeof value === 'number' && !Number.isFinite(value)) return Number.isNaN(value) ? 'NaN' : `${value < 0 ? '-' : ''}a number beyond a double's range (read as ${value < 0 ? '-' : ''}Infinity)`;
  return cut(JSON.stringify(value) ?? String(value), maxChars, '');
}

function cut(text: string, maxChars: number, quote: string): string {
  if (text.length <= maxChars) return `${quote}${escapeControl(text)}${quote}`;
  return `${quote}${escapeControl(text.slice(0, maxChars))}…${quote} (${text.length.toLocaleString('en-US')} characters)`;
}

/**
 * C0 and C1 control characters, DEL, and the Unicode bidirectional overrides and isolates (which can
 * make text display in an order other than the one it has) as `\uXXXX`. Inside a JSON string that is
 * the same character, so JSON output stays valid and means the same; `keep` lists characters to pass
 * through (e.g. '\n\t' for multi-line text).
 */
export function escapeControl(text: string, keep = ''): string {
  // A scan first: nearly all text has nothing to escape, and then no string is built.
  let i = 0;
  for (; i < text.length; i++) if (isUnsafe(text.charCodeAt(i)) && !keep.includes(text[i])) break;
  if (i === text.length) return text;
  let out = text.slice(0, i);
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out += isUnsafe(c) && !keep.includes(text[i]) ? `\\u${c.toString(16).padStart(4, '0')}` : text[i];
  }
  return out;
}

function isUnsafe(c: number): boolean {
  return c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}
