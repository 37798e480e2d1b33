/**
 * Which SM counts one partition can have. Green contexts on Hopper hand out groups of `granularitySms`
 * (8) with the GPC remainder in a group of its own (hardware-notes: 132 SMs split as 15×8 + 12), so one
 * side of a split is a multiple of the granularity and the other side is the rest. TPC masks step by 2.
 */
export function isValidPartitionSize(hw, sms) {
    const g = hw.partition.granularitySms;
    if (!Number.isInteger(sms) || sms < hw.partition.minSms || sms > hw.smCount)
        return false;
    // The remainder group alone cannot launch the backend's clustered GEMMs (GemmKernelTable): cuBLAS fails there.
    if (hw.perf.gemmKernels && sms < hw.smCount && clusterSms(hw, sms) === 0)
        return false;
    return sms % g === 0 || (hw.smCount - sms) % g === 0;
}
/**
 * Green-context layout assumed for planning and pricing: `fullGroups` groups of `granularitySms`, the SMs
 * left over joining the last group as the GPC remainder (Hopper, 132 SMs: 15 × 8 + 12; hardware-notes). A
 * chip whose SM count the granularity divides has no remainder. The runners read the real layout from the
 * device and refuse a size they cannot make.
 */
export function groupLayout(hw) {
    const g = hw.partition.granularitySms;
    const whole = Math.floor(hw.smCount / g);
    const fullGroups = hw.smCount % g === 0 ? whole : whole - 1;
    return { fullGroups, remainderSms: hw.smCount - fullGroups * g };
}
/**
 * SMs of an S-SM partition that a kernel with clusters larger than the remainder hosts can run on: a
 * partition below the whole GPU that is not a whole number of groups holds the remainder group, whose SMs
 * such a kernel cannot use (GemmKernelTable); the whole GPU places clusters on every GPC. Equals S when the
 * chip has no remainder or the partition does not hold it.
 */
export function clusterSms(hw, sms) {
    if (hw.partition.mechanism !== 'green-context' || sms >= hw.smCount)
        return sms;
    const { remainderSms } = groupLayout(hw);
    const g = hw.partition.granularitySms;
    return remainderSms > 0 && sms % g !== 0 && sms >= remainderSms && (sms - remainderSms) % g === 0 ? sms - remainderSms : sms;
}
/** Candidate (prefill, decode) splits that use the whole GPU, prefill SMs ascending. */
export function wholeGpuSplits(hw) {
    const out = [];
    for (let p = hw.partition.minSms; p <= hw.smCount - hw.partition.minSms; p++) {
        const d = hw.smCount - p;
        if (isValidPartitionSize(hw, p) && isValidPartitionSize(hw, d))
            out.push({ prefillSms: p, decodeSms: d });
    }
    return out;
}
/** Valid sizes, for error messages. */
export function describeValidSizes(hw) {
    const g = hw.partition.granularitySms;
    const rem = hw.smCount % g ? groupLayout(hw).remainderSms : 0;
    const alone = rem && hw.perf.gemmKernels ? ` except the ${rem}-SM remainder alone (the GEMM library's clustered kernels cannot launch there)` : '';
    return `multiples of ${g} from ${hw.partition.minSms}${rem ? `, or ${hw.smCount} minus such a multiple (the ${rem}-SM remainder stays with one side)${alone}` : ''}, up to ${hw.smCount}`;
}
