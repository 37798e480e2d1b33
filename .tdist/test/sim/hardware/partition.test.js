import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clusterSms, describeValidSizes, groupLayout, isValidPartitionSize, wholeGpuSplits } from '../../../sim/hardware/partition.js';
import { hopperLike, perf } from '../../util/fixtures.js';
const TABLE = { source: 'test', remainderMaxCtas: 2, rows: [1], shapes: [{ dIn: 8, dOut: 8, clusteredRows: [1] }] };
const withTable = (hw) => ({ ...hw, perf: { ...hw.perf, gemmKernels: TABLE } });
test('a 132-SM Hopper splits into 15 groups of 8 and a remainder of 12 (hardware-notes)', () => {
    assert.deepEqual(groupLayout(hopperLike()), { fullGroups: 15, remainderSms: 12 });
    const even = { ...hopperLike(), smCount: 128 };
    assert.deepEqual(groupLayout(even), { fullGroups: 16, remainderSms: 0 });
});
test('clusterSms: a partition holding the remainder leaves its 12 SMs to unclustered kernels; others keep every SM', () => {
    const hw = hopperLike();
    assert.equal(clusterSms(hw, 20), 8);
    assert.equal(clusterSms(hw, 36), 24);
    assert.equal(clusterSms(hw, 116), 104);
    assert.equal(clusterSms(hw, 124), 112);
    assert.equal(clusterSms(hw, 12), 0);
    for (const s of [8, 16, 64, 120])
        assert.equal(clusterSms(hw, s), s);
    // The whole GPU is no green context: clusters go to every GPC.
    assert.equal(clusterSms(hw, 132), 132);
    // TPC masks have no remainder group.
    assert.equal(clusterSms({ ...hw, partition: { mechanism: 'tpc-mask', granularitySms: 2, minSms: 2 } }, 20), 20);
});
test('the remainder alone is no partition when the GEMM library launches clusters it cannot host', () => {
    const hw = hopperLike();
    assert.equal(isValidPartitionSize(hw, 12), true);
    assert.equal(isValidPartitionSize(withTable(hw), 12), false);
    assert.equal(isValidPartitionSize(withTable(hw), 20), true);
    assert.ok(wholeGpuSplits(hw).some((s) => s.decodeSms === 12));
    assert.ok(!wholeGpuSplits(withTable(hw)).some((s) => s.decodeSms === 12 || s.prefillSms === 12));
    assert.match(describeValidSizes(withTable(hw)), /the 12-SM remainder stays with one side\) except the 12-SM remainder alone/);
    assert.doesNotMatch(describeValidSizes({ ...hw, perf: perf() }), /except/);
});
