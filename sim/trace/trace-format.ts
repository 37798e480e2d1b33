import type { Trace } from './trace.js';

/**
 * A trace file format: one implementation per file in sim/trace/, registered in formats.ts under its
 * `name` (the same string as the file name and what users pass as `--format`).
 */
export interface TraceFormat {
  readonly name: string;
  /** One line for `--help` and error messages. */
  readonly description: string;
  /** File extensions this format is stored with, lower case with the dot. Used only for detection. */
  readonly extensions: readonly string[];
  /**
   * Whether the first non-blank line of a file looks like this format. Used only for detection, when
   * the user names no format; keep it cheap and specific (a header name, a JSON key).
   */
  readonly sniff: (firstLine: string) => boolean;
  /**
   * Parses a whole file. `file` is the path as the user gave it, for origins and messages. Throws an
   * InputError holding every problem found (up to a cap), each naming file, line and field; never drops
   * a line silently. Records come back in file order.
   */
  readonly parse: (text: string, file: string) => Trace;
}

/**
 * Problems a trace parser lists before it only counts the rest: a file in the wrong format is wrong on
 * every one of its thousands of lines, and twenty lines say so as well as all of them.
 */
export const MAX_TRACE_PROBLEMS = 20;
