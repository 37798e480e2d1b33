import assert from 'node:assert/strict';
import { InputError, type InputProblem } from '../../sim/core/input-error.js';

/**
 * Runs `fn`, asserts it throws an InputError, and checks each expected problem is among those reported,
 * matched on every given key, and that the message shows it as "file:line [field]". Returns all problems.
 */
export function expectInputError(fn: () => unknown, expected: readonly Partial<InputProblem>[]): readonly InputProblem[] {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof InputError, `expected an InputError, got ${caught === undefined ? 'no error' : String(caught)}`);
  for (const want of expected) {
    const hit = caught.problems.find((p) => Object.entries(want).every(([k, v]) => p[k as keyof InputProblem] === v));
    assert.ok(hit, `no problem matching ${JSON.stringify(want)} in:\n${caught.message}`);
    if (hit.line > 0) {
      const where = `${hit.file}:${hit.line}`;
      assert.ok(caught.message.includes(hit.field ? `${where} [${hit.field}]` : where), `message lacks '${where} [${hit.field}]':\n${caught.message}`);
    }
  }
  return caught.problems;
}
