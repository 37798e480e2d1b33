import { test } from 'node:test';
import assert from 'node:assert/strict';
import seedrandom from 'seedrandom';
import { better, chooseSplit, feasible, objective, type SplitChoice, type SplitProblem } from '../../../sim/policy/split-optimizer.js';
import { splitTiming } from '../../../sim/latency/iteration-timing.js';
import { wholeGpuSplits } from '../../../sim/hardware/partition.js';
import { QWEN3_8B_LIKE as MODEL, hopperLike } from '../../util/fixtures.js';

const hw = hopperLike();

/** The window the engine runs for a split and k, priced afresh (no shared step prices, no early stop). */
const engineTiming = (p: SplitProblem, s: { prefillSms: number; decodeSms: number }, k: number) => splitTiming(p.model, p.hw, p.prefill, p.decode, s.prefillSms, s.decodeSms, k, p.tpDegree);

function bruteForce(p: SplitProblem): SplitChoice | null {
  let best: SplitChoice | null = null;
  for (const s of p.splits) {
    for (let k = 1; k <= p.maxK; k++) {
      if (p.fixedK !== null && k !== p.fixedK) continue;
      const t = engineTiming(p, s, k);
      if (!feasible(p, t)) continue;
      const c = { ...s, k, objective: objective(p, k, t), decodeStepUs: t.longestDecodeStepUs, decodeLaneUs: t.decodeLaneUs, prefillUs: t.prefillGpuUs };
      if (better(c, best)) best = c;
    }
  }
  return best;
}

/** 64 decodes over 1,024 tokens each beside a 2,048-token prompt, τ = 20 ms, no window guard. */
function plainProblem(overrides: Partial<SplitProblem> = {}): SplitProblem {
  return {
    model: MODEL,
    hw,
    tpDegree: 1,
    tauUs: 20000,
    decode: { prefills: [], decodeCount: 64, decodeContextTokens: 64 * 1024 },
    prefill: { prefills: [{ newTokens: 2048, cachedTokens: 0 }], decodeCount: 0, decodeContextTokens: 0 },
    splits: wholeGpuSplits(hw),
    maxK: 8,
    fixedK: null,
    guardWindowGap: false,
    gapLimitUs: Infinity,
    prefillEmits: false,
    ...overrides,
  };
}

test('the chosen split equals a brute-force search over (S_p, S_d, k) of the same objective on the engine\'s own window timing (property)', () => {
  const rng = seedrandom('split');
  let compared = 0;
  for (let trial = 0; trial < 300; trial++) {
    const decodeCount = 1 + Math.floor(rng() * 200);
    const tauUs = 3000 + rng() * 60000;
    const p: SplitProblem = {
      model: MODEL,
      hw,
      tpDegree: 1,
      tauUs,
      decode: { prefills: [], decodeCount, decodeContextTokens: decodeCount * (1 + Math.floor(rng() * 4000)) },
      prefill: { prefills: [{ newTokens: 1 + Math.floor(rng() * 4096), cachedTokens: Math.floor(rng() * 2048) }], decodeCount: 0, decodeContextTokens: 0 },
      splits: wholeGpuSplits(hw),
      maxK: 1 + Math.floor(rng() * 12),
      fixedK: rng() < 0.2 ? 1 : null,
      guardWindowGap: rng() < 0.5,
      gapLimitUs: tauUs * (1 + rng() * 0.3),
      prefillEmits: rng() < 0.5,
    };
    const fast = chooseSplit(p);
    const slow = bruteForce(p);
    assert.deepEqual(fast, slow, `trial ${trial}`);
    if (fast) compared++;
  }
  assert.ok(compared > 100, `only ${compared} trials had a feasible split`);
});

test('the decode partition is never faster than τ allows, and ties go to fewer decode SMs', () => {
  const p = plainProblem();
  const c = chooseSplit(p)!;
  assert.ok(c.decodeStepUs <= 20000);
  // Here, as in the published design, the best split gives decode the fewest SMs that still meet τ.
  const smallestFeasible = Math.min(...p.splits.filter((s) => engineTiming(p, s, 1).longestDecodeStepUs <= p.tauUs).map((s) => s.decodeSms));
  assert.equal(c.decodeSms, smallestFeasible);
  // No feasible split with fewer decode SMs reaches the same objective.
  for (const s of p.splits) {
    if (s.decodeSms >= c.decodeSms) continue;
    for (let k = 1; k <= 8; k++) {
      const t = engineTiming(p, s, k);
      if (feasible(p, t)) assert.ok(objective(p, k, t) < c.objective);
    }
  }
});

test('no split is offered when no decode partition can meet τ', () => {
  const p = plainProblem({ tauUs: 1 });
  assert.equal(chooseSplit(p), null);
});

test('with a prompt completing in the window, no k lets the decode lane outlast the prefill by more than τ leaves (window-gap guard)', () => {
  // The request whose prefill ends emits at t_p and next only after the window's end and one more step:
  // k = ⌈t_p/t_d⌉ overshoots t_p by up to t_d, which at τ = 50 ms (45 ms aimed at) gave gaps of 80+ ms.
  const rng = seedrandom('prefill-lane');
  let checked = 0;
  let overshootsWithoutIt = 0;
  for (let trial = 0; trial < 200; trial++) {
    const decodeCount = 1 + Math.floor(rng() * 256);
    const gapLimitUs = 20000 + rng() * 40000;
    const p: SplitProblem = {
      model: MODEL,
      hw,
      tpDegree: 1,
      tauUs: gapLimitUs * 0.9,
      decode: { prefills: [], decodeCount, decodeContextTokens: decodeCount * (1 + Math.floor(rng() * 4000)) },
      prefill: { prefills: [{ newTokens: 256 + Math.floor(rng() * 8192), cachedTokens: 0 }], decodeCount: 0, decodeContextTokens: 0 },
      splits: wholeGpuSplits(hw),
      maxK: 64,
      fixedK: null,
      guardWindowGap: true,
      gapLimitUs,
      prefillEmits: true,
    };
    const gapOf = (c: SplitChoice) => Math.max(c.decodeLaneUs, c.prefillUs) - c.prefillUs + p.tauUs;
    const c = chooseSplit(p);
    if (c) {
      checked++;
      assert.ok(gapOf(c) <= gapLimitUs + 1e-9, `trial ${trial}: gap ${gapOf(c)} > ${gapLimitUs}`);
    }
    const unguarded = chooseSplit({ ...p, prefillEmits: false });
    if (unguarded && gapOf(unguarded) > gapLimitUs) overshootsWithoutIt++;
  }
  assert.ok(checked > 50, `only ${checked} trials had a feasible split`);
  assert.ok(overshootsWithoutIt > 10, `the unguarded optimiser overshot in only ${overshootsWithoutIt} trials`);
});

test('the policy prices the split it chooses exactly as the engine will run it: same lane, prefill and longest step', () => {
  const p = plainProblem({ prefill: { prefills: [{ newTokens: 4096, cachedTokens: 0 }], decodeCount: 0, decodeContextTokens: 0 }, fixedK: 4 });
  const c = chooseSplit(p)!;
  const t = engineTiming(p, c, c.k);
  assert.equal(c.decodeLaneUs, t.decodeLaneUs);
  assert.equal(c.prefillUs, t.prefillGpuUs);
  assert.equal(c.decodeStepUs, t.longestDecodeStepUs);
  // The engine grows the decode contexts a token a step: the lane is not k copies of one step.
  assert.notEqual(t.decodeLaneUs, c.k * (t.decodeTokenOffsetsUs[0] - hw.overheads.schedulingUs));
});
