import { batchKind } from './parse-batch.js';
/**
 * Deterministic train / held-out split of the forward and concurrent records. Within each family
 * (model, SM count, batch kind) the points are ordered by a hash of their id and the first
 * ceil(HELD_OUT_SHARE·n) are held out, so every family has held-out points and adding a family never
 * reshuffles another. Fit sees only the training points; validate reports only the held-out ones.
 */
export const HELD_OUT_SHARE = 0.4;
/** FNV-1a, 32-bit: a stable hash of the id (no dependence on Node's hash seeds or record order). */
export function idHash(id) {
    let h = 0x811c9dc5;
    for (let i = 0; i < id.length; i++) {
        h ^= id.charCodeAt(i);
        h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h >>> 0;
}
/** e.g. 'forward/qwen3-8b/64sm/decode' or 'concurrent/qwen3-8b/decode100sm+prefill32sm'. */
export function familyOf(r) {
    if (r.kind === 'forward')
        return `forward/${r.model}/${r.smCount}sm/${batchKind(r.batch)}`;
    if (r.kind === 'clock_regime')
        return `clock/${r.model}/${r.smCount}sm`;
    return `concurrent/${r.model}/decode${r.decodeSmCount}sm+prefill${r.prefillSmCount}sm`;
}
/**
 * The clock_regime records are not split by family: a plan times a handful (the reference plan eight, one per model
 * at 96 SMs and three at 132), so holding 40% of each (model, SM count) family out left the fit one SM count, and
 * the serving scale's dependence on the partition's size (ClockRegimeSpec.servingFromSms) cannot be fitted from one.
 * The fit takes every clock record of the models it may see; the models the plan keeps unseen are held out, and
 * the validation plan's own clock records (other sizes, depths and a third model, never fitted) judge the result.
 */
export function splitClockRecords(records, unseenModels = new Set()) {
    return { train: records.filter((r) => !unseenModels.has(r.model)), heldOut: records.filter((r) => unseenModels.has(r.model)) };
}
export function splitRecords(records, unseenModels = new Set()) {
    const families = new Map();
    for (const r of records) {
        const key = familyOf(r);
        const list = families.get(key);
        if (list)
            list.push(r);
        else
            families.set(key, [r]);
    }
    const held = new Set();
    for (const list of families.values()) {
        const ordered = [...list].sort((a, b) => idHash(a.id) - idHash(b.id) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
        const count = Math.ceil(HELD_OUT_SHARE * ordered.length);
        for (let i = 0; i < count; i++)
            held.add(ordered[i].id);
    }
    // A model the fit must never see is held out whole (the plan's unseenModels).
    for (const r of records)
        if (unseenModels.has(r.model))
            held.add(r.id);
    // Keep the input order in both halves so reports list points as measured.
    return { train: records.filter((r) => !held.has(r.id)), heldOut: records.filter((r) => held.has(r.id)) };
}
