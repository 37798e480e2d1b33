import { kvBytesPerToken, weightBytes } from '../../sim/model/model-spec.js';
import { DEFAULT_ENGINE } from '../../sim/engine/scenario.js';
import { MetricsCollector } from '../../sim/metrics/collector.js';
import { simulate } from '../../sim/engine/simulation.js';
import { parseClusterYaml } from '../../sim/cluster/load-cluster.js';
import { buildCluster } from '../../sim/cluster/build-cluster.js';
import { TINY_MODEL, floorOnlyHardware } from './fixtures.js';
/** The engine of cluster tests: all memory is KV (no activation reserve), so capacity is set by the hardware. */
export const TEST_ENGINE = { ...DEFAULT_ENGINE, gpuMemoryUtilization: 1, activationReserveBytes: 0 };
/** Floor-only hardware (every kernel 100 µs) whose memory holds `model`'s weights plus exactly `kvBlocks` KV blocks. */
export function hardwareWithKvBlocks(kvBlocks, model = TINY_MODEL, name = `kv${kvBlocks}`) {
    const hw = floorOnlyHardware();
    const perBlock = kvBytesPerToken(model) * TEST_ENGINE.blockTokens;
    // Half a block of slack keeps the floor() in kvCapacityBlocks off a float boundary.
    return { ...hw, name, hbmCapacityBytes: weightBytes(model) + (kvBlocks + 0.5) * perBlock };
}
/**
 * Loads groups from in-memory specs: `model: tiny` is TINY_MODEL (or `models[name]`), and a hardware name
 * `kvN` is floor-only hardware holding N KV blocks.
 */
export function fixtureLoader(models = {}) {
    return (g) => {
        const model = models[g.model] ?? TINY_MODEL;
        const m = /^kv(\d+)$/.exec(g.hardware);
        if (!m)
            throw new Error(`fixture hardware must be named kvN, got ${g.hardware}`);
        return { model, hw: hardwareWithKvBlocks(Number(m[1]), model, g.hardware) };
    };
}
/** Parses a cluster YAML text and simulates `requests` on it with fixture models and hardware. */
export function runClusterYaml(yaml, requests, opts = {}) {
    const cluster = parseClusterYaml(yaml, 'test-cluster.yaml');
    const collector = new MetricsCollector(requests.length, 1e6, { ttft_ms: null, tbt_ms: opts.sloTbtMs ?? null, tbt_definition: 'request-p99-gap' });
    const built = buildCluster(cluster, { engine: TEST_ENGINE, seed: opts.seed ?? 0, sloTbtMs: opts.sloTbtMs ?? null, useCalibration: false }, collector, null, fixtureLoader(opts.models));
    simulate(requests, built.instances, built.route, collector, built.loop ? { loop: built.loop } : {});
    let preemptions = 0;
    for (const i of built.instances)
        preemptions += i.preemptions;
    return { result: collector.result({}, preemptions), built, collector };
}
