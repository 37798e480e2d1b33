import type { HardwareSpec } from './hardware-spec.js';

/**
 * Which SM counts one partition can have. Green contexts on Hopper hand out groups of `granularitySms`
 * (8) with the GPC remainder in a group of its own (hardware-notes: 132 SMs split as 15×8 + 12), so one
 * side of a split is a multiple of the granularity and the other side is the rest. TPC masks step by 2.
 */
export function isValidPartitionSize(hw: HardwareSpec, sms: number): boolean {
  const g = hw.partition.granularitySms;
  if (!Number.isInteger(sms) || sms < hw.partition.minSms || sms > hw.smCount) return false;
  return sms % g === 0 || (hw.smCount - sms) % g === 0;
}

/** Candidate (prefill, decode) splits that use the whole GPU, prefill SMs ascending. */
export function wholeGpuSplits(hw: HardwareSpec): { prefillSms: number; decodeSms: number }[] {
  const out: { prefillSms: number; decodeSms: number }[] = [];
  for (let p = hw.partition.minSms; p <= hw.smCount - hw.partition.minSms; p++) {
    const d = hw.smCount - p;
    if (isValidPartitionSize(hw, p) && isValidPartitionSize(hw, d)) out.push({ prefillSms: p, decodeSms: d });
  }
  return out;
}

/** Valid sizes, for error messages. */
export function describeValidSizes(hw: HardwareSpec): string {
  const g = hw.partition.granularitySms;
  const rem = hw.smCount % g;
  return `multiples of ${g} from ${hw.partition.minSms}${rem ? `, or ${hw.smCount} minus such a multiple (the ${rem}-SM remainder stays with one side)` : ''}, up to ${hw.smCount}`;
}
