import { LineCounter, parseDocument, type Node } from 'yaml';

/**
 * The 1-based line of a key path inside a JSON text, or of its nearest existing parent; 0 when the
 * text does not parse. JSON is YAML, so the yaml parser's node ranges give positions that JSON.parse
 * does not. Only called once something is wrong, so large files are parsed twice only then.
 */
export function lineOfPath(text: string, path: ReadonlyArray<string | number>): number {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, schema: 'json', prettyErrors: false });
  if (doc.errors.length > 0) return 0;
  for (let n = path.length; n >= 0; n--) {
    const node = (n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true)) as Node | null | undefined;
    const offset = node?.range?.[0];
    if (offset !== undefined) return lineCounter.linePos(offset).line;
  }
  return 0;
}

/** Line of the character at `offset` (for JSON.parse errors that report a position). */
export function lineOfOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
