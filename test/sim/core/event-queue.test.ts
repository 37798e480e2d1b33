import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventQueue } from '../../../sim/core/event-queue.js';
import seedrandom from 'seedrandom';

test('events pop by time, then priority, then push order', () => {
  const q = new EventQueue<string>();
  q.push(5, 1, 'b');
  q.push(5, 0, 'a');
  q.push(1, 9, 'first');
  q.push(5, 1, 'c');
  const out: string[] = [];
  while (q.size) out.push(q.pop()!);
  assert.deepEqual(out, ['first', 'a', 'b', 'c']);
});

test('a random stream of pushes pops in sorted, stable order (property)', () => {
  const rng = seedrandom('eq');
  for (let trial = 0; trial < 50; trial++) {
    const q = new EventQueue<number>();
    const items: { t: number; p: number; i: number }[] = [];
    for (let i = 0; i < 200; i++) {
      const t = Math.floor(rng() * 20);
      const p = Math.floor(rng() * 3);
      items.push({ t, p, i });
      q.push(t, p, i);
    }
    items.sort((a, b) => a.t - b.t || a.p - b.p || a.i - b.i);
    const popped: number[] = [];
    while (q.size) popped.push(q.pop()!);
    assert.deepEqual(popped, items.map((x) => x.i));
  }
});

test('a non-finite time is refused', () => {
  assert.throws(() => new EventQueue<number>().push(NaN, 0, 1), /finite/);
});
