/**
 * Links a cluster YAML can name for moving KV between instances (`interconnect: infiniband-ndr`), or
 * write out as a map. Bandwidth is per direction for one GPU's link; latency is the per-message α of
 * the transfer model (sim/cluster/kv-transfer.ts). Sources are on each entry.
 */
export const LINK_PRESETS = {
    // Same node over NVSwitch. H100 SXM datasheet: NVLink 900 GB/s counted over both directions, so 450 GB/s
    // each way; NVIDIA/nccl#1264 measured 371-377 GB/s one way with p2pBandwidthLatencyTest on HGX H100.
    // Latency: NVIDIA/nccl#1259, a 2-GPU all-reduce of small messages on H100 NVLink took ~6 µs over 2 steps.
    nvlink4: { kind: 'nvlink4', bandwidthBytesPerS: 450e9, latencyUs: 3 },
    // Same node, no peer access (through host memory). H100 datasheet: PCIe Gen5 128 GB/s over both
    // directions, 64 GB/s each way (NVIDIA/nccl#1264 measured ~37 GB/s one way with P2P disabled).
    // Latency: NVIDIA/cuda-samples#230, p2pBandwidthLatencyTest with P2P disabled: 11-20 µs; 15 µs taken.
    'pcie5-x16': { kind: 'pcie5-x16', bandwidthBytesPerS: 64e9, latencyUs: 15 },
    // Across nodes, one ConnectX-7 per GPU. ConnectX-7 user manual: single-port NDR 400 Gb/s = 50 GB/s.
    // Latency: Mellanox/ngc_multinode_perf#84 treats an RDMA write above 2.5 µs as a fault; 2.5 µs taken.
    'infiniband-ndr': { kind: 'infiniband-ndr', bandwidthBytesPerS: 50e9, latencyUs: 2.5 },
    // Across nodes over Ethernet with the same adapter: ConnectX-7 user manual, 400GbE = 50 GB/s. The
    // latency criterion of Mellanox/ngc_multinode_perf#84 is the same for its RoCE runs.
    'roce-400g': { kind: 'roce-400g', bandwidthBytesPerS: 50e9, latencyUs: 2.5 },
};
