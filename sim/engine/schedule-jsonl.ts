import type { StepRecord } from './instance.js';

/**
 * The executed schedule as JSONL (`duetsim replay --emit-schedule`), format `duetsim-schedule` version 1,
 * documented in sim/engine/README.md. The first line is a header naming the model, hardware and policy;
 * every other line is one step (one iteration, or one split window) in start order.
 */
export const SCHEDULE_FORMAT = 'duetsim-schedule';
export const SCHEDULE_VERSION = 1;

export interface ScheduleHeader {
  readonly model: string;
  readonly hardware: string;
  readonly policy: string;
  readonly trace: string;
  readonly rate_qps: number | null;
  readonly block_tokens: number;
  readonly sm_count: number;
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;

export function scheduleJsonl(steps: readonly StepRecord[], header: ScheduleHeader): string {
  const lines = [JSON.stringify({ format: SCHEDULE_FORMAT, version: SCHEDULE_VERSION, ...header })];
  steps.forEach((s, i) => {
    lines.push(
      JSON.stringify({
        step: i,
        instance: s.instance,
        start_us: r3(s.startUs),
        duration_us: r3(s.durationUs),
        mode: s.mode,
        prefill_sms: s.prefillSms,
        decode_sms: s.decodeSms,
        k: s.lookaheadK,
        prefills: s.prefills.map((p) => ({ id: p.id, new: p.newTokens, cached: p.cachedTokens, emits: p.completes })),
        decodes: s.decodes.map((d) => ({ id: d.id, context: d.contextTokens, steps: d.steps })),
        preempted: s.preempted,
        prefill_token_offset_us: s.prefills.some((p) => p.completes) ? r3(s.prefillTokenAtUs - s.startUs) : null,
        decode_token_offsets_us: s.decodes.length ? s.decodeTokenAtUs.map((t) => r3(t - s.startUs)) : [],
      }),
    );
  });
  return lines.join('\n') + '\n';
}
