// Causal prefill attention (bf16, head dim 128) over a paged KV cache, several
// sequences of different lengths in one launch. FlashAttention-2 structure:
// one thread block per (query head, tile of kBlockM new tokens, sequence);
// each warp owns 16 query rows and walks the key tiles of kBlockN keys with an
// online softmax in fp32, so the score matrix never leaves registers.
//
// Why these choices:
// - mma.sync m16n8k16 (bf16 in, fp32 accumulate) fed by ldmatrix: it is exact
//   about fragment layouts and runs on sm_90 without the sm_90a-only wgmma.
// - Q stays in registers for the whole key loop (8 k-steps x 4 regs), so only
//   K and V are read from shared memory inside the loop.
// - K/V tiles are gathered from cache pages with cp.async into two shared-
//   memory stages: tile n+1 (and n+2 after the first) streams in while tile n
//   is multiplied. A row past the sequence's end is zero-filled instead of read,
//   because block-table entries and page slots beyond the sequence may hold
//   anything (0 * NaN in P*V would poison the row).
// - Shared-memory rows are 256 bytes; 16-byte chunk c of row r is stored at
//   chunk c ^ (r & 7), so the 8 rows one ldmatrix phase reads hit 32 distinct
//   banks.
// - Query tiles are launched heaviest first (the last tile of a sequence sees
//   the most keys), which shortens the causal tail.

#include "attn_prefill_tuning.h"
#include "kernels.h"
#include "mma_sm80.cuh"

#include <cstdint>
#include <stdexcept>
#include <string>

namespace {

using namespace duet::mma;

constexpr int kHeadDim = 128;
constexpr int kBlockN = 64;                         // keys per tile
constexpr int kRowBytes = kHeadDim * 2;             // one bf16 row of a head
constexpr int kChunksPerRow = kRowBytes / 16;       // 16-byte chunks per row
constexpr int kTileKvBytes = kBlockN * kRowBytes;   // one K (or V) tile
constexpr int kMaxDevices = 64;

// Byte offset of 16-byte chunk `chunk` of row `row` in a swizzled tile.
__device__ __forceinline__ uint32_t tile_offset(int row, int chunk) {
  return static_cast<uint32_t>(row * kRowBytes + ((chunk ^ (row & 7)) << 4));
}

// Gathers keys [key0, key0 + kBlockN) of one KV head from the paged cache into
// the K and V stages. Each thread copies the same chunk column of several rows,
// so the block-table lookup is shared by its K and V copies.
template <int kThreads>
__device__ __forceinline__ void load_kv_tile(const AttnPrefillParams& p, const int* seq_pages, int kv_head,
                                             int key0, int kv_len, uint8_t* sK, uint8_t* sV) {
  static_assert(kThreads % kChunksPerRow == 0, "threads must cover whole rows");
  constexpr int kRowsPerPass = kThreads / kChunksPerRow;
  const int chunk = threadIdx.x % kChunksPerRow;
  const int row0 = threadIdx.x / kChunksPerRow;
#pragma unroll
  for (int row = row0; row < kBlockN; row += kRowsPerPass) {
    const int key = key0 + row;
    size_t elem = 0;
    int bytes = 0;
    if (key < kv_len) {
      const int page = seq_pages[key / p.block_tokens];
      const int slot = key % p.block_tokens;
      elem = ((static_cast<size_t>(page) * p.block_tokens + slot) * p.hkv + kv_head) * kHeadDim + chunk * 8;
      bytes = 16;
    }
    const uint32_t off = tile_offset(row, chunk);
    cp_async_16(smem_addr(sK + off), p.k_cache + elem, bytes);
    cp_async_16(smem_addr(sV + off), p.v_cache + elem, bytes);
  }
}

template <int kWarps>
__global__ void __launch_bounds__(kWarps * 32) attn_prefill_kernel(const AttnPrefillParams p, float scale_log2) {
  constexpr int kThreads = kWarps * 32;
  constexpr int kBlockM = kWarps * 16;
  extern __shared__ __align__(128) uint8_t smem[];
  uint8_t* sQ = smem;                              // [kBlockM][128] bf16, reused for the output
  uint8_t* sK = smem + kBlockM * kRowBytes;        // 2 stages
  uint8_t* sV = sK + 2 * kTileKvBytes;             // 2 stages

  const int head = blockIdx.x;
  const int m_block = gridDim.y - 1 - blockIdx.y;  // heaviest tiles first
  const int seq = blockIdx.z;
  const int q_begin = p.q_start[seq];
  const int new_len = p.q_start[seq + 1] - q_begin;
  const int m0 = m_block * kBlockM;
  if (m0 >= new_len) return;
  const int cached = p.cached_len[seq];
  const int kv_len = cached + new_len;
  const int kv_head = head / (p.hq / p.hkv);
  const int* seq_pages = p.block_table + static_cast<size_t>(seq) * p.max_blocks_per_seq;

  const int tid = threadIdx.x;
  const int warp = tid / 32;
  const int lane = tid % 32;
  const size_t token_stride = static_cast<size_t>(p.hq) * kHeadDim;

  // The tile's last valid query sits at cached + m0 + rows - 1 and sees keys up to it.
  const int rows_here = min(kBlockM, new_len - m0);
  const int num_n_blocks = (cached + m0 + rows_here + kBlockN - 1) / kBlockN;
  // From this key tile on, some key lies after the tile's first query: mask.
  const int first_masked_n = (cached + m0 + 1) / kBlockN;

  // Q tile (rows past the chunk's end are zero) and the first two K/V tiles.
  for (int i = tid; i < kBlockM * kChunksPerRow; i += kThreads) {
    const int row = i / kChunksPerRow;
    const int chunk = i % kChunksPerRow;
    const bool valid = m0 + row < new_len;
    const __nv_bfloat16* src =
        p.q + (valid ? (q_begin + m0 + row) * token_stride + head * kHeadDim + chunk * 8 : 0);
    cp_async_16(smem_addr(sQ + tile_offset(row, chunk)), src, valid ? 16 : 0);
  }
  load_kv_tile<kThreads>(p, seq_pages, kv_head, 0, kv_len, sK, sV);
  cp_async_commit();
  if (num_n_blocks > 1) {
    load_kv_tile<kThreads>(p, seq_pages, kv_head, kBlockN, kv_len, sK + kTileKvBytes, sV + kTileKvBytes);
  }
  cp_async_commit();
  cp_async_wait<1>();
  __syncthreads();

  // A fragments of this warp's 16 query rows for all 8 k-steps of the head dim.
  uint32_t q_frag[kHeadDim / 16][4];
#pragma unroll
  for (int kk = 0; kk < kHeadDim / 16; ++kk) {
    ldmatrix_x4(q_frag[kk], smem_addr(sQ + tile_offset(warp * 16 + (lane % 16), kk * 2 + lane / 16)));
  }

  // Each thread holds rows g = lane/4 and g + 8 of the warp's 16; columns 2t, 2t+1 of each 8-wide tile.
  float o_acc[kHeadDim / 8][4];
#pragma unroll
  for (int d = 0; d < kHeadDim / 8; ++d) o_acc[d][0] = o_acc[d][1] = o_acc[d][2] = o_acc[d][3] = 0.f;
  float row_max[2] = {-INFINITY, -INFINITY};
  float row_sum[2] = {0.f, 0.f};  // this thread's partial sums; reduced over the quad at the end
  const int q_pos0 = cached + m0 + warp * 16 + lane / 4;  // absolute position of row g
  const int ld_mat = lane / 8;                           // which 8x8 matrix this lane addresses
  const int ld_row = lane % 8;

  for (int n = 0; n < num_n_blocks; ++n) {
    const int stage = n % 2;
    if (n > 0) {
      cp_async_wait<1>();
      __syncthreads();
    }
    const uint8_t* k_tile = sK + stage * kTileKvBytes;
    const uint8_t* v_tile = sV + stage * kTileKvBytes;

    // S = Q K^T for 16 rows x 64 keys.
    float s[kBlockN / 8][4];
#pragma unroll
    for (int j = 0; j < kBlockN / 8; ++j) s[j][0] = s[j][1] = s[j][2] = s[j][3] = 0.f;
#pragma unroll
    for (int kk = 0; kk < kHeadDim / 16; ++kk) {
#pragma unroll
      for (int np = 0; np < kBlockN / 16; ++np) {
        uint32_t b[4];
        ldmatrix_x4(b, smem_addr(k_tile + tile_offset(np * 16 + ld_row + 8 * (ld_mat / 2), kk * 2 + ld_mat % 2)));
        mma_bf16(s[2 * np], q_frag[kk], b[0], b[1]);
        mma_bf16(s[2 * np + 1], q_frag[kk], b[2], b[3]);
      }
    }

    if (n >= first_masked_n) {
#pragma unroll
      for (int j = 0; j < kBlockN / 8; ++j) {
        const int key = n * kBlockN + j * 8 + 2 * (lane % 4);
        if (key > q_pos0) s[j][0] = -INFINITY;
        if (key + 1 > q_pos0) s[j][1] = -INFINITY;
        if (key > q_pos0 + 8) s[j][2] = -INFINITY;
        if (key + 1 > q_pos0 + 8) s[j][3] = -INFINITY;
      }
    }

    // Online softmax in the log2 domain (scale folded into one FMA per score).
    float tile_max[2] = {row_max[0], row_max[1]};
#pragma unroll
    for (int j = 0; j < kBlockN / 8; ++j) {
      tile_max[0] = fmaxf(tile_max[0], fmaxf(s[j][0], s[j][1]));
      tile_max[1] = fmaxf(tile_max[1], fmaxf(s[j][2], s[j][3]));
    }
    float corr[2];
    float base[2];
#pragma unroll
    for (int h = 0; h < 2; ++h) {
      tile_max[h] = fmaxf(tile_max[h], __shfl_xor_sync(0xffffffffu, tile_max[h], 1));
      tile_max[h] = fmaxf(tile_max[h], __shfl_xor_sync(0xffffffffu, tile_max[h], 2));
      // A row with every key so far masked keeps max -inf; exp2(-inf - -inf) would be NaN.
      base[h] = tile_max[h] == -INFINITY ? 0.f : tile_max[h] * scale_log2;
      corr[h] = fast_exp2(row_max[h] * scale_log2 - base[h]);
      row_max[h] = tile_max[h];
    }
    float tile_sum[2] = {0.f, 0.f};
#pragma unroll
    for (int j = 0; j < kBlockN / 8; ++j) {
      s[j][0] = fast_exp2(fmaf(s[j][0], scale_log2, -base[0]));
      s[j][1] = fast_exp2(fmaf(s[j][1], scale_log2, -base[0]));
      s[j][2] = fast_exp2(fmaf(s[j][2], scale_log2, -base[1]));
      s[j][3] = fast_exp2(fmaf(s[j][3], scale_log2, -base[1]));
      tile_sum[0] += s[j][0] + s[j][1];
      tile_sum[1] += s[j][2] + s[j][3];
    }
    row_sum[0] = row_sum[0] * corr[0] + tile_sum[0];
    row_sum[1] = row_sum[1] * corr[1] + tile_sum[1];
#pragma unroll
    for (int d = 0; d < kHeadDim / 8; ++d) {
      o_acc[d][0] *= corr[0];
      o_acc[d][1] *= corr[0];
      o_acc[d][2] *= corr[1];
      o_acc[d][3] *= corr[1];
    }

    // O += P V: the score accumulators of key tiles 2ks, 2ks+1 are exactly the
    // A fragment of key step ks, so P never touches shared memory.
#pragma unroll
    for (int ks = 0; ks < kBlockN / 16; ++ks) {
      const uint32_t a[4] = {pack_bf16(s[2 * ks][0], s[2 * ks][1]), pack_bf16(s[2 * ks][2], s[2 * ks][3]),
                             pack_bf16(s[2 * ks + 1][0], s[2 * ks + 1][1]),
                             pack_bf16(s[2 * ks + 1][2], s[2 * ks + 1][3])};
#pragma unroll
      for (int dp = 0; dp < kHeadDim / 16; ++dp) {
        uint32_t b[4];
        ldmatrix_x4_trans(b, smem_addr(v_tile + tile_offset(ks * 16 + ld_row + 8 * (ld_mat % 2), dp * 2 + ld_mat / 2)));
        mma_bf16(o_acc[2 * dp], a, b[0], b[1]);
        mma_bf16(o_acc[2 * dp + 1], a, b[2], b[3]);
      }
    }

    __syncthreads();  // every warp is done with this stage before it is refilled
    if (n + 2 < num_n_blocks) {
      load_kv_tile<kThreads>(p, seq_pages, kv_head, (n + 2) * kBlockN, kv_len, sK + stage * kTileKvBytes,
                             sV + stage * kTileKvBytes);
    }
    cp_async_commit();  // possibly empty: keeps one group per iteration for wait<1>
  }

  // Normalise, stage this warp's rows in its own (no longer needed) Q rows, then
  // write 16-byte chunks so each output row goes out as whole 256-byte lines.
  float inv[2];
#pragma unroll
  for (int h = 0; h < 2; ++h) {
    row_sum[h] += __shfl_xor_sync(0xffffffffu, row_sum[h], 1);
    row_sum[h] += __shfl_xor_sync(0xffffffffu, row_sum[h], 2);
    inv[h] = row_sum[h] > 0.f ? 1.f / row_sum[h] : 0.f;
  }
  const int g = lane / 4;
  const int t = lane % 4;
#pragma unroll
  for (int d = 0; d < kHeadDim / 8; ++d) {
    *reinterpret_cast<uint32_t*>(sQ + tile_offset(warp * 16 + g, d) + 4 * t) =
        pack_bf16(o_acc[d][0] * inv[0], o_acc[d][1] * inv[0]);
    *reinterpret_cast<uint32_t*>(sQ + tile_offset(warp * 16 + g + 8, d) + 4 * t) =
        pack_bf16(o_acc[d][2] * inv[1], o_acc[d][3] * inv[1]);
  }
  __syncwarp();
#pragma unroll
  for (int i = lane; i < 16 * kChunksPerRow; i += 32) {
    const int row = warp * 16 + i / kChunksPerRow;
    const int chunk = i % kChunksPerRow;
    if (m0 + row < new_len) {
      const uint4 v = *reinterpret_cast<const uint4*>(sQ + tile_offset(row, chunk));
      *reinterpret_cast<uint4*>(p.out + (q_begin + m0 + row) * token_stride + head * kHeadDim + chunk * 8) = v;
    }
  }
}

void require(bool ok, const std::string& what) {
  if (!ok) throw std::invalid_argument("launch_attn_prefill: " + what);
}

template <int kWarps>
void launch_with_warps(const AttnPrefillParams& p, cudaStream_t stream) {
  constexpr int kBlockM = kWarps * 16;
  const int smem_bytes = kBlockM * kRowBytes + 4 * kTileKvBytes;
  // The dynamic shared-memory limit is per device; raise it once for each.
  static bool raised[kMaxDevices] = {};
  int device = 0;
  if (cudaGetDevice(&device) != cudaSuccess) throw std::runtime_error("launch_attn_prefill: cudaGetDevice failed");
  if (device >= kMaxDevices || !raised[device]) {
    const cudaError_t err = cudaFuncSetAttribute(attn_prefill_kernel<kWarps>,
                                                 cudaFuncAttributeMaxDynamicSharedMemorySize, smem_bytes);
    if (err != cudaSuccess) {
      throw std::runtime_error(std::string("launch_attn_prefill: cannot set shared memory to ") +
                               std::to_string(smem_bytes) + " bytes: " + cudaGetErrorString(err));
    }
    if (device < kMaxDevices) raised[device] = true;
  }
  const dim3 grid(p.hq, (p.max_new_tokens + kBlockM - 1) / kBlockM, p.num_seqs);
  require(grid.y <= 65535, "max_new_tokens " + std::to_string(p.max_new_tokens) + " needs more than 65535 query tiles");
  const float log2e = 1.4426950408889634f;
  attn_prefill_kernel<kWarps><<<grid, kWarps * 32, smem_bytes, stream>>>(p, p.scale * log2e);
}

}  // namespace

void launch_attn_prefill_tiled(const AttnPrefillParams& p, cudaStream_t stream, int block_m) {
  require(p.q && p.k_cache && p.v_cache && p.block_table && p.q_start && p.cached_len && p.out,
          "a device pointer (q, k_cache, v_cache, block_table, q_start, cached_len or out) is null");
  require(p.dh == kHeadDim, "dh must be 128, got " + std::to_string(p.dh));
  require(p.hq > 0 && p.hkv > 0 && p.hq % p.hkv == 0,
          "hq (" + std::to_string(p.hq) + ") must be a positive multiple of hkv (" + std::to_string(p.hkv) + ")");
  require(p.hq <= 65535, "hq " + std::to_string(p.hq) + " exceeds the grid's x limit");
  require(p.block_tokens > 0, "block_tokens must be positive, got " + std::to_string(p.block_tokens));
  require(p.max_blocks_per_seq > 0, "max_blocks_per_seq must be positive, got " + std::to_string(p.max_blocks_per_seq));
  require(p.num_seqs >= 0 && p.num_seqs <= 65535, "num_seqs must be in [0, 65535], got " + std::to_string(p.num_seqs));
  require(p.max_new_tokens >= 0, "max_new_tokens must be >= 0, got " + std::to_string(p.max_new_tokens));
  require(p.scale > 0.f, "scale must be positive, got " + std::to_string(p.scale));
  if (p.num_seqs == 0 || p.max_new_tokens == 0) return;
  switch (block_m) {
    case 64: launch_with_warps<4>(p, stream); break;
    case 128: launch_with_warps<8>(p, stream); break;
    default: require(false, "block_m must be 64 or 128, got " + std::to_string(block_m));
  }
}

void launch_attn_prefill(const AttnPrefillParams& p, cudaStream_t stream) {
  launch_attn_prefill_tiled(p, stream, kAttnPrefillDefaultBlockM);
}
