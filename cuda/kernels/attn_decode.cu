// Decode attention over the paged KV cache: flash-decoding on tensor cores.
//
// Pass 1, one block of 4 warps per (split, kv head, sequence); a split is up to
// kAttnDecodeMaxSplitTokens consecutive context tokens, walked in tiles of 32.
// Why this shape (issue 11: the previous CUDA-core kernel reached 25% of the
// copy bandwidth on a 24-SM partition):
// - Decode attention is a stream over K and V. What bounds it on a partition is
//   how many bytes each SM keeps in flight, so K/V tiles are gathered from the
//   cache pages with cp.async into three shared-memory stages (16 KB each): a
//   block has two tiles in flight while it multiplies a third, independent of
//   how many registers the math needs, and four blocks fit an SM.
// - The G = hq/hkv query heads of a kv head are the rows of one mma tile
//   (m16n8k16 for Q K^T, m16n8k8 for P V; rows G..15 are zero), so K and V are
//   read once per group and the dot products cost a few mma per tile instead
//   of G x 128 FMAs and shuffles per token.
// - Each warp owns 8 rows of every tile and keeps its own online softmax (max,
//   sum, unnormalised output) in registers; the score fragment of Q K^T is
//   exactly the A fragment of P V, so probabilities never leave registers. The
//   four warps are merged once, at the end, through shared memory.
// - Rows are 256 bytes; 16-byte chunk c of row r is stored at chunk c ^ (r & 7),
//   so the 8 rows one ldmatrix phase reads hit 32 distinct banks. A row past the
//   split's end is zero-filled rather than read: page slots beyond a sequence
//   may hold anything, and 0 * NaN in P V would poison the output.
// - Two ways to fill a stage (AttnDecodeLoad): cp.async, 16 bytes a thread and
//   instruction (1,024 copies a tile; the default), or on sm_90 one bulk copy
//   (the TMA engine) per 256-byte row, 64 a tile, completing on an mbarrier. The
//   bulk path was written to take the copy instructions off the SM (on 8-40 SMs
//   the cp.async kernel is bound by instructions issued per byte: round 8 cut
//   them and gained 16-19%); measured on an H100 it is slower: 1.72x the
//   cp.async time by median on 8 SMs, 1.75x on 24, 1.16x on 64, 1.04x on 132
//   (calibrate/data/h100-2026-12-05-kernel-quality/round9: 256-byte copies are
//   too small a unit for the copy engine; a tensor map with 2 KB boxes is what
//   is left to try). Kept, checked like the default, for that next round. A bulk
//   copy cannot swizzle, so its rows are padded to 272 bytes: 8 consecutive rows
//   start 4 banks apart, and ldmatrix stays conflict-free.
// - The third way (Tma): a tensor map over each cache ([page][token][kv head]
//   [dim]) whose box is one page's 16 tokens x 64 dims of one kv head (2 KB,
//   128-byte swizzle), so thread 0 issues 8 loads a tile; the boxes hold whole
//   pages, and V rows past the split's end are zeroed after the wait. Measured
//   on an H100: level with cp.async (1.005x by median on 8 SMs, 1.017-1.032x
//   on 24-132; .../round9/tma-sweep): the loads are not this kernel's bound on
//   small partitions, whatever issues them.
// - Scores are kept in log2 units (scale * log2 e folded in), so ex2 is one
//   instruction; the split partials' maxima are in the same units.
// Pass 2, one block per (query head, sequence), merges the splits; with one
// split, pass 1 writes the normalised bf16 output itself and pass 2 is skipped.
#include "kernels.h"
#include "bf16_vec.cuh"
#include "mma_sm80.cuh"
#include "bulk_copy.cuh"

#include <cuda.h>
#include <cudaTypedefs.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace duet {
namespace {

using namespace duet::mma;

constexpr int kDh = 128;
constexpr int kBlockTokens = 16;
constexpr int kWarps = 4;
constexpr int kThreads = kWarps * 32;
constexpr int kRowBytes = kDh * 2;
// How a stage is filled (AttnDecodeLoad, see the top): per-thread cp.async, one bulk copy per row, or a TMA
// tensor-map load per (cache page, 64-dim half).
constexpr int kCpAsync = 0, kBulkRows = 1, kTma = 2;
// Row pitch in shared memory: swizzled rows for cp.async, padded rows for bulk copies; TMA lays a tile out
// as 2 KB boxes (tile_offset), 16 KB a stage like cp.async.
template <int kLoad>
constexpr int kPitch = kLoad == kBulkRows ? kRowBytes + 16 : kRowBytes;
// A TMA box: one cache page's 16 tokens x 64 dims (128 bytes, the 128-byte swizzle's row).
constexpr int kBoxBytes = kBlockTokens * 128;
// Each warp owns 8 rows (one mma n-tile) of every tile. Two n-tiles a warp (m16n8k16 for P V, twice the
// rows per barrier and softmax) measured the same on the H200 (cuda/NOTES.md, 2026-12-04 round 4): what
// bounds a small partition is not the per-warp chain.
constexpr int kTileTokens = 8 * kWarps;
template <int kLoad>
constexpr int kStageBytes = 2 * kTileTokens * kPitch<kLoad>;  // K and V tiles: 16 KB (17 KB padded)
// Three stages (48 KB: four blocks fit an SM) measured 6% faster than four (64 KB, three blocks) and 2x
// faster than eight (128 KB, one block): resident warps matter more than bytes in flight per block.
constexpr int kStages = 3;
// TMA's 128-byte swizzle repeats every 1,024 bytes and needs its boxes aligned to it: 1 KB spare to align.
template <int kLoad>
constexpr int kSmemBytes = kStages * kStageBytes<kLoad> + (kLoad == kTma ? 1024 : 0);
constexpr int kMaxDevices = 64;
constexpr float kLog2e = 1.4426950408889634f;
// Start of the running max: finite, so exp2(m_old - m_new) is 1 (not NaN) while
// a warp has seen only masked rows, and a warp that saw none merges with weight 0.
constexpr float kNoScore = -1e30f;
static_assert(kThreads == kDh, "the merge gives each thread one output dimension");
static_assert(kAttnDecodeMaxSplitTokens % kTileTokens == 0, "splits are whole tiles");
static_assert(kTileTokens == 2 * kBlockTokens && kThreads / 16 == kBlockTokens / 2, "a tile is two cache pages; load_tile's page arithmetic assumes it");
static_assert(kWarps * kAttnDecodeMaxGroup * kDh * 4 <= kSmemBytes<kCpAsync>, "the merge reuses the stages");
static_assert(2 * kTileTokens == 64, "bulk loads: one row a thread for the first 64 threads, warps 0 and 1");

struct Workspace {
  float* acc;  // [num_seqs, hq, num_splits, dh]
  float* m;    // [num_seqs, hq, num_splits], log2 units
  float* l;    // [num_seqs, hq, num_splits]
};

__host__ __device__ inline Workspace split_workspace(float* base, int num_seqs, int hq, int num_splits) {
  const size_t parts = (size_t)num_seqs * hq * num_splits;
  return Workspace{base, base + parts * kDh, base + parts * kDh + parts};
}

template <int kLoad>
__device__ __forceinline__ uint32_t tile_offset(int row, int chunk) {
  if constexpr (kLoad == kBulkRows) return static_cast<uint32_t>(row * kPitch<kBulkRows> + (chunk << 4));
  if constexpr (kLoad == kTma) {
    // Box (page row / 16, half chunk / 8), 2 KB each; inside it row r % 16 at 128 bytes, its 16-byte chunk c % 8
    // stored at c ^ (r % 8): the TMA engine's 128-byte swizzle on a 1,024-byte-aligned box.
    return static_cast<uint32_t>((((row >> 4) << 1) + (chunk >> 3)) * kBoxBytes + (row & 15) * 128 + (((chunk & 7) ^ (row & 7)) << 4));
  }
  return static_cast<uint32_t>(row * kRowBytes + ((chunk ^ (row & 7)) << 4));
}

// Bulk rows: a stage's barrier expects one arrival from each of the 64 row-loading threads; a thread that
// copies a row arrives with the row's bytes as expected transactions first (bulk_row), so the phase cannot
// complete before its copy lands. The mbarrier helpers are bulk_copy.cuh's.
using bulk::fence_proxy_async;
using bulk::mbar_arrive;
using bulk::mbar_arrive_expect;
using bulk::mbar_fence_init;
using bulk::mbar_init;
using bulk::mbar_wait;
__device__ __forceinline__ void bulk_row(uint32_t dst, const void* src, uint32_t bar) {
  mbar_arrive_expect(bar, kRowBytes);
  bulk::copy_g2s(dst, src, kRowBytes, bar);
}
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
// One box of the 4-D cache tensor [page][token][kv head][dim] at (dim d0, head h, token 0, page pg).
__device__ __forceinline__ void tma_box(uint32_t dst, const CUtensorMap* map, int d0, int h, int pg, uint32_t bar) {
  asm volatile(
      "cp.async.bulk.tensor.4d.shared::cluster.global.mbarrier::complete_tx::bytes [%0], [%1, {%2, %3, %4, %5}], [%6];\n" ::"r"(dst),
      "l"(reinterpret_cast<uint64_t>(map)), "r"(d0), "r"(h), "r"(0), "r"(pg), "r"(bar)
      : "memory");
}
#else
__device__ __forceinline__ void tma_box(uint32_t, const CUtensorMap*, int, int, int, uint32_t) { __trap(); }
#endif

// The K and V caches as TMA tensor maps (TMA loads only; zero-filled otherwise).
struct CacheMaps {
  CUtensorMap k, v;
};

template <int G, int kLoad>
// Four blocks an SM: 128 registers a thread.
__global__ void __launch_bounds__(kThreads, 4) attn_decode_split_kernel(AttnDecodeParams p, float scale_log2, const __grid_constant__ CacheMaps maps) {
  extern __shared__ __align__(1024) uint8_t smem_raw[];
  // The stages start 1,024-byte aligned for TMA (the spare kilobyte is in kSmemBytes); the others use the base.
  uint8_t* const smem = kLoad == kTma ? smem_raw + ((1024u - (smem_addr(smem_raw) & 1023u)) & 1023u) : smem_raw;
  constexpr bool kBulk = kLoad != kCpAsync;  // an mbarrier per stage
  __shared__ int s_blocks[kAttnDecodeMaxSplitTokens / kBlockTokens];
  __shared__ float s_m[kWarps][G], s_l[kWarps][G];
  __shared__ __align__(8) uint64_t s_bar[kStages];  // bulk loads only: one barrier a stage
  const int split = blockIdx.x, kvh = blockIdx.y, seq = blockIdx.z;
  const int ctx = p.context_len[seq];
  const int t0 = split * p.split_tokens;  // a multiple of kTileTokens
  if (t0 >= ctx) return;                  // this sequence is shorter than the longest; pass 2 skips the split
  const int ntok = min(p.split_tokens, ctx - t0);
  constexpr int kTile = kTileTokens;
  constexpr int kTileBytes = kStageBytes<kLoad> / 2;
  const int ntiles = (ntok + kTile - 1) / kTile;
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  const int* table = p.block_table + (long long)seq * p.max_blocks_per_seq + t0 / kBlockTokens;
  for (int j = threadIdx.x; j * kBlockTokens < ntok; j += kThreads) s_blocks[j] = table[j];
  if constexpr (kBulk) {
    if (threadIdx.x == 0) {
      // Bulk rows: one arrival per row-loading thread; TMA: thread 0's, with the whole tile's bytes.
      for (int st = 0; st < kStages; ++st) mbar_init(smem_addr(&s_bar[st]), kLoad == kTma ? 1 : 2 * kTileTokens);
      mbar_fence_init();  // the initialised barriers visible to the copy engine
    }
  }
  __syncthreads();

  // Tile `tile` of the split into stage `stage`: thread t copies chunk t % 16 of rows t / 16 + 8j, K and V.
  // A tile is two cache pages; row t / 16 + 8j sits in page j / 2 at slot t / 16 + 8 (j % 2), so a thread's
  // element offsets within a page and its shared-memory offsets are fixed for the whole split: the loop
  // looks up two page numbers per tile and adds, instead of rebuilding each address (on 8–40 SMs the kernel
  // is bound by instructions issued per byte, not by bytes in flight: cuda/NOTES.md).
  const int chunk = threadIdx.x % 16;
  const int row0_thread = threadIdx.x / 16;
  const long long page_elems = (long long)kBlockTokens * p.hkv * kDh;
  long long in_page[2];
#pragma unroll
  for (int h = 0; h < 2; ++h) in_page[h] = ((long long)(row0_thread + 8 * h) * p.hkv + kvh) * kDh + chunk * 8;
  uint32_t tile_off[kTile * 16 / kThreads];
#pragma unroll
  for (int j = 0; j < kTile * 16 / kThreads; ++j) tile_off[j] = tile_offset<kLoad>(row0_thread + j * (kThreads / 16), chunk);
  // Bulk loads: thread t < 64 copies row t % 32 of K (warp 0) or V (warp 1); its offset within a page is fixed.
  const int bulk_row_id = threadIdx.x % kTile;
  const __nv_bfloat16* bulk_cache = threadIdx.x < kTile ? p.k_cache : p.v_cache;
  const long long bulk_in_page = ((long long)(bulk_row_id % kBlockTokens) * p.hkv + kvh) * kDh;
  const uint32_t bulk_dst = (threadIdx.x < kTile ? 0u : (uint32_t)kTileBytes) + (uint32_t)(bulk_row_id * kPitch<kLoad>);
  auto load_tile = [&](int tile, int stage) {
    if constexpr (kLoad == kTma) {
      // Thread 0 issues the tile: per cache page, two 2 KB boxes of K and two of V. A second page past the
      // split's end is not loaded; rows past the end are zeroed after the wait (main loop).
      if (threadIdx.x != 0) return;
      const uint32_t bar = smem_addr(&s_bar[stage]);
      const uint32_t base = smem_addr(smem + stage * kStageBytes<kTma>);
      const int pages = tile * kTile + kBlockTokens < ntok ? 2 : 1;
      fence_proxy_async();  // zeroed rows of this stage's last use, before the engine writes it again
      mbar_arrive_expect(bar, (uint32_t)(pages * 4 * kBoxBytes));
      for (int pg = 0; pg < pages; ++pg) {
        const int page = s_blocks[2 * tile + pg];
#pragma unroll
        for (int half = 0; half < 2; ++half) {
          const uint32_t off = (uint32_t)((pg * 2 + half) * kBoxBytes);
          tma_box(base + off, &maps.k, half * 64, kvh, page, bar);
          tma_box(base + kTileBytes + off, &maps.v, half * 64, kvh, page, bar);
        }
      }
      return;
    }
    if constexpr (kBulk) {
      if (threadIdx.x >= 2 * kTile) return;
      const uint32_t bar = smem_addr(&s_bar[stage]);
      uint8_t* dst = smem + stage * kStageBytes<kLoad> + bulk_dst;
      const int tok = tile * kTile + bulk_row_id;
      if (tok < ntok) {
        bulk_row(smem_addr(dst), bulk_cache + (long long)s_blocks[tok / kBlockTokens] * page_elems + bulk_in_page, bar);
      } else {
        // Past the split's end: zeros, stored before the arrival that releases them to the other warps.
#pragma unroll
        for (int c = 0; c < kRowBytes / 16; ++c) reinterpret_cast<uint4*>(dst)[c] = make_uint4(0u, 0u, 0u, 0u);
        mbar_arrive(bar);
      }
      return;
    }
    uint8_t* sK = smem + stage * kStageBytes<kLoad>;
    uint8_t* sV = sK + kTileBytes;
    const int first = tile * kTile;
    const long long page0 = first < ntok ? (long long)s_blocks[2 * tile] * page_elems : 0;
    const long long page1 = first + kBlockTokens < ntok ? (long long)s_blocks[2 * tile + 1] * page_elems : 0;
#pragma unroll
    for (int j = 0; j < kTile * 16 / kThreads; ++j) {
      const int tok = first + row0_thread + j * (kThreads / 16);
      const bool valid = tok < ntok;
      const long long elem = valid ? (j < 2 ? page0 : page1) + in_page[j % 2] : 0;
      const int bytes = valid ? 16 : 0;
      cp_async_16(smem_addr(sK + tile_off[j]), p.k_cache + elem, bytes);
      cp_async_16(smem_addr(sV + tile_off[j]), p.v_cache + elem, bytes);
    }
  };

  // Q as mma A fragments, one pair of registers per 16-dim step: (row lane/4, dims 16kk + 2(lane%4) + {0,1})
  // and the same 8 dims on; row g is query head kvh*G + g, rows G..15 are zero.
  const int g_row = lane / 4;
  uint32_t qa[kDh / 16][2];
  {
    const __nv_bfloat16* qrow = p.q + ((long long)seq * p.hq + kvh * G + min(g_row, G - 1)) * kDh + 2 * (lane % 4);
#pragma unroll
    for (int kk = 0; kk < kDh / 16; ++kk) {
      qa[kk][0] = g_row < G ? *reinterpret_cast<const uint32_t*>(qrow + 16 * kk) : 0u;
      qa[kk][1] = g_row < G ? *reinterpret_cast<const uint32_t*>(qrow + 16 * kk + 8) : 0u;
    }
  }

  float m_run = kNoScore;  // row g_row's running max over this warp's rows (the 4 lanes of a row agree)
  float l_run = 0.f;       // this lane's share of the row's running sum; lanes are summed at the end
  float acc[kDh / 8][2];   // O[g_row][8j + 2(lane%4) + e], unnormalised
#pragma unroll
  for (int j = 0; j < kDh / 8; ++j) acc[j][0] = acc[j][1] = 0.f;

#pragma unroll
  for (int s = 0; s < kStages - 1; ++s) {
    if (s < ntiles) load_tile(s, s);
    if constexpr (!kBulk) cp_async_commit();
  }
  for (int i = 0; i < ntiles; ++i) {
    if constexpr (kBulk) {
      mbar_wait(smem_addr(&s_bar[i % kStages]), (uint32_t)((i / kStages) & 1));
    } else {
      cp_async_wait<kStages - 2>();
    }
    if constexpr (kLoad == kTma) {
      // The boxes hold whole pages: V rows past the split's end (a page's unused slots may hold NaN, and a
      // second page not loaded holds an earlier tile) are zeroed, since 0 * NaN in P V would poison the output.
      const int valid = ntok - i * kTile;
      if (valid < kTile) {
        uint8_t* sVz = smem + (i % kStages) * kStageBytes<kTma> + kTileBytes;
        for (int k = threadIdx.x; k < (kTile - valid) * 16; k += kThreads) {
          const int r = valid + k / 16;
          *reinterpret_cast<uint4*>(sVz + tile_offset<kTma>(r, k % 16)) = make_uint4(0u, 0u, 0u, 0u);
        }
      }
    }
    __syncthreads();  // tile i is in; every warp is done with tile i - 1, whose stage is refilled now
    {
      const int next = i + kStages - 1;
      if (next < ntiles) load_tile(next, next % kStages);
      if constexpr (!kBulk) cp_async_commit();
    }
    const uint8_t* sK = smem + (i % kStages) * kStageBytes<kLoad>;
    const uint8_t* sV = sK + kTileBytes;
    const int row0 = warp * 8;  // this warp's first row in the tile
    const int ld_row = row0 + lane % 8;  // the row this lane addresses for ldmatrix

    // S = Q K^T over this warp's 8 rows: B fragments straight from the K rows (ldmatrix, not transposed).
    // Two accumulators, even and odd 16-dim steps, halve the chain of dependent mma.
    float x[2];
    {
      float s4[4] = {0.f, 0.f, 0.f, 0.f}, s4b[4] = {0.f, 0.f, 0.f, 0.f};
#pragma unroll
      for (int q4 = 0; q4 < kDh / 32; ++q4) {
        uint32_t b[4];
        ldmatrix_x4(b, smem_addr(sK + tile_offset<kLoad>(ld_row, q4 * 4 + lane / 8)));
        const uint32_t a0[4] = {qa[2 * q4][0], 0u, qa[2 * q4][1], 0u};
        const uint32_t a1[4] = {qa[2 * q4 + 1][0], 0u, qa[2 * q4 + 1][1], 0u};
        mma_bf16(s4, a0, b[0], b[1]);
        mma_bf16(s4b, a1, b[2], b[3]);
      }
      const int tok = i * kTile + row0 + 2 * (lane % 4);
      x[0] = tok < ntok ? (s4[0] + s4b[0]) * scale_log2 : -INFINITY;
      x[1] = tok + 1 < ntok ? (s4[1] + s4b[1]) * scale_log2 : -INFINITY;
    }
    float mx = fmaxf(x[0], x[1]);
    mx = fmaxf(mx, __shfl_xor_sync(0xffffffffu, mx, 1));
    mx = fmaxf(mx, __shfl_xor_sync(0xffffffffu, mx, 2));
    const float m_new = fmaxf(m_run, mx);
    // Rescale only when some row's maximum moved: after the first tiles it seldom does, and the 32
    // multiplies are a sixth of a tile's instructions. For a row whose maximum stayed, exp2(0) = 1 exactly,
    // so rescaling every row whenever one moved changes nothing; the vote keeps the warp converged.
    if (__any_sync(0xffffffffu, m_new != m_run)) {
      const float rescale = fast_exp2(m_run - m_new);
      l_run *= rescale;
#pragma unroll
      for (int j = 0; j < kDh / 8; ++j) {
        acc[j][0] *= rescale;
        acc[j][1] *= rescale;
      }
    }
    const float p0 = fast_exp2(x[0] - m_new), p1 = fast_exp2(x[1] - m_new);
    l_run += p0 + p1;
    const uint32_t pa = pack_bf16(p0, p1);  // P's A fragment is the score fragment
    m_run = m_new;

    // O += P V (m16n8k8 over the warp's 8 rows), V's B fragments by transposing ldmatrix.
#pragma unroll
    for (int q4 = 0; q4 < kDh / 32; ++q4) {
      uint32_t b[4];
      ldmatrix_x4_trans(b, smem_addr(sV + tile_offset<kLoad>(ld_row, q4 * 4 + lane / 8)));
#pragma unroll
      for (int m = 0; m < 4; ++m) mma_bf16_k8(acc[q4 * 4 + m], pa, 0u, b[m]);
    }
  }
  if constexpr (!kBulk) cp_async_wait<0>();  // bulk: every tile loaded was waited for in the loop
  __syncthreads();  // the stages are free: the merge below reuses them

  l_run += __shfl_xor_sync(0xffffffffu, l_run, 1);
  l_run += __shfl_xor_sync(0xffffffffu, l_run, 2);
  float* s_acc = reinterpret_cast<float*>(smem);  // [kWarps][G][kDh]
  if (g_row < G) {
    if (lane % 4 == 0) {
      s_m[warp][g_row] = m_run;
      s_l[warp][g_row] = l_run;
    }
#pragma unroll
    for (int j = 0; j < kDh / 8; ++j) {
      float* dst = s_acc + (warp * G + g_row) * kDh + 8 * j + 2 * (lane % 4);
      dst[0] = acc[j][0];
      dst[1] = acc[j][1];
    }
  }
  __syncthreads();
  const int d = threadIdx.x;
  const Workspace ws = split_workspace(p.workspace, p.num_seqs, p.hq, p.num_splits);
#pragma unroll
  for (int g = 0; g < G; ++g) {
    float m_all = kNoScore;
#pragma unroll
    for (int w = 0; w < kWarps; ++w) m_all = fmaxf(m_all, s_m[w][g]);
    float sum = 0.f, out = 0.f;
#pragma unroll
    for (int w = 0; w < kWarps; ++w) {
      const float f = fast_exp2(s_m[w][g] - m_all);
      sum += s_l[w][g] * f;
      out += s_acc[(w * G + g) * kDh + d] * f;
    }
    const int head = kvh * G + g;
    if (p.num_splits == 1) {
      p.out[((size_t)seq * p.hq + head) * kDh + d] = __float2bfloat16(out / sum);
    } else {
      const size_t part = ((size_t)seq * p.hq + head) * p.num_splits + split;
      ws.acc[part * kDh + d] = out;
      if (d == 0) {
        ws.m[part] = m_all;
        ws.l[part] = sum;
      }
    }
  }
}

__global__ void __launch_bounds__(kDh) attn_decode_reduce_kernel(AttnDecodeParams p) {
  const int head = blockIdx.x, seq = blockIdx.y;
  const Workspace ws = split_workspace(p.workspace, p.num_seqs, p.hq, p.num_splits);
  const int valid = (p.context_len[seq] + p.split_tokens - 1) / p.split_tokens;
  const size_t first = ((size_t)seq * p.hq + head) * p.num_splits;
  float mx = kNoScore;
  for (int s = 0; s < valid; ++s) mx = fmaxf(mx, ws.m[first + s]);
  float num = 0.f, den = 0.f;
  for (int s = 0; s < valid; ++s) {
    const float w = fast_exp2(ws.m[first + s] - mx);
    den += w * ws.l[first + s];
    num += w * ws.acc[(first + s) * kDh + threadIdx.x];
  }
  p.out[((size_t)seq * p.hq + head) * kDh + threadIdx.x] = __float2bfloat16(num / den);
}

const char* load_name(int load) { return load == kTma ? "tma" : load == kBulkRows ? "bulk" : "cp_async"; }

// cuTensorMapEncodeTiled through the runtime's driver entry point (no link against libcuda); looked up once.
PFN_cuTensorMapEncodeTiled_v12000 tensor_map_encoder() {
  static const PFN_cuTensorMapEncodeTiled_v12000 fn = [] {
    void* f = nullptr;
    cudaDriverEntryPointQueryResult q{};
    if (cudaGetDriverEntryPointByVersion("cuTensorMapEncodeTiled", &f, 12000, cudaEnableDefault, &q) != cudaSuccess ||
        q != cudaDriverEntryPointSuccess || f == nullptr)
      throw std::runtime_error("attn_decode: the driver offers no cuTensorMapEncodeTiled (TMA loads need CUDA 12+ on sm_90)");
    return reinterpret_cast<PFN_cuTensorMapEncodeTiled_v12000>(f);
  }();
  return fn;
}

// One cache ([num_cache_blocks][16 tokens][hkv][128] bf16) as a 4-D tensor map whose box is one page's 16 tokens x
// 64 dims of one kv head, 128-byte swizzled (tile_offset<kTma> reads that layout).
CUtensorMap cache_map(const __nv_bfloat16* cache, int hkv, int num_cache_blocks) {
  CUtensorMap map{};
  const cuuint64_t dims[4] = {(cuuint64_t)kDh, (cuuint64_t)hkv, (cuuint64_t)kBlockTokens, (cuuint64_t)num_cache_blocks};
  const cuuint64_t row = (cuuint64_t)kDh * 2;
  const cuuint64_t strides[3] = {row, row * hkv, row * hkv * kBlockTokens};  // bytes, dims 1..3
  const cuuint32_t box[4] = {64, 1, (cuuint32_t)kBlockTokens, 1};
  const cuuint32_t step[4] = {1, 1, 1, 1};
  const CUresult r = tensor_map_encoder()(&map, CU_TENSOR_MAP_DATA_TYPE_BFLOAT16, 4, const_cast<__nv_bfloat16*>(cache), dims,
                                          strides, box, step, CU_TENSOR_MAP_INTERLEAVE_NONE, CU_TENSOR_MAP_SWIZZLE_128B,
                                          CU_TENSOR_MAP_L2_PROMOTION_L2_256B, CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE);
  if (r != CUDA_SUCCESS) throw std::runtime_error("attn_decode: cuTensorMapEncodeTiled failed (CUresult " + std::to_string((int)r) + ")");
  return map;
}

template <int G, int kLoad>
void launch_group(const AttnDecodeParams& p, cudaStream_t stream) {
  const auto kernel = attn_decode_split_kernel<G, kLoad>;
  constexpr int smem_bytes = kSmemBytes<kLoad>;
  // The dynamic shared-memory limit is per device and function; raise it once for each, and ask for the
  // largest shared-memory carveout so that four blocks fit an SM.
  static bool raised[kMaxDevices] = {};
  int device = 0;
  if (cudaGetDevice(&device) != cudaSuccess) throw std::runtime_error("attn_decode: cudaGetDevice failed");
  if (device >= kMaxDevices || !raised[device]) {
    cudaError_t err = cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, smem_bytes);
    if (err == cudaSuccess)
      err = cudaFuncSetAttribute(kernel, cudaFuncAttributePreferredSharedMemoryCarveout, cudaSharedmemCarveoutMaxShared);
    if (err != cudaSuccess) {
      throw std::runtime_error(std::string("attn_decode: cannot set shared memory to ") + std::to_string(smem_bytes) +
                               " bytes: " + cudaGetErrorString(err));
    }
    if (device < kMaxDevices) raised[device] = true;
    if (std::getenv("DUET_ATTN_DECODE_DEBUG")) {
      int blocks = 0;
      cudaOccupancyMaxActiveBlocksPerMultiprocessor(&blocks, kernel, kThreads, smem_bytes);
      std::fprintf(stderr, "attn_decode: G=%d load=%s stages=%d smem=%d B: %d blocks per SM\n", G, load_name(kLoad), kStages,
                   smem_bytes, blocks);
    }
  }
  CacheMaps maps{};
  if constexpr (kLoad == kTma) {
    maps.k = cache_map(p.k_cache, p.hkv, p.num_cache_blocks);
    maps.v = cache_map(p.v_cache, p.hkv, p.num_cache_blocks);
  }
  const dim3 grid(p.num_splits, p.hkv, p.num_seqs);
  kernel<<<grid, kThreads, smem_bytes, stream>>>(p, p.scale * kLog2e, maps);
  check_launch("attn_decode (split pass)");
}

template <int G>
void launch_group(const AttnDecodeParams& p, int load, cudaStream_t stream) {
  switch (load) {
    case kTma: launch_group<G, kTma>(p, stream); break;
    case kBulkRows: launch_group<G, kBulkRows>(p, stream); break;
    default: launch_group<G, kCpAsync>(p, stream);
  }
}

// The load path for AttnDecodeLoad::Auto: cp.async (measured faster, see the top), unless
// DUET_ATTN_DECODE_LOAD=cp_async|bulk|tma says otherwise for a tuning run (cuda/NOTES.md records them); an unknown
// value is an error, not a silent default.
AttnDecodeLoad auto_load() {
  static const AttnDecodeLoad load = [] {
    const char* env = std::getenv("DUET_ATTN_DECODE_LOAD");
    if (env == nullptr || *env == '\0') return AttnDecodeLoad::Auto;
    const std::string v(env);
    if (v == "cp_async") return AttnDecodeLoad::CpAsync;
    if (v == "bulk") return AttnDecodeLoad::Bulk;
    if (v == "tma") return AttnDecodeLoad::Tma;
    throw std::runtime_error("DUET_ATTN_DECODE_LOAD must be cp_async, bulk or tma, not '" + v + "'");
  }();
  return load;
}

// Blocks per SM the split aims for when there are few (sequence, kv head) pairs. One block keeps ~48 KB
// in flight, so more blocks than SMs matter only to balance the tail; each extra split costs a merge.
// DUET_ATTN_DECODE_BLOCKS_PER_SM overrides it for tuning runs (cuda/NOTES.md records the sweep).
int blocks_per_sm_target() {
  static const int target = [] {
    const char* env = std::getenv("DUET_ATTN_DECODE_BLOCKS_PER_SM");
    const int v = env ? std::atoi(env) : 0;
    return v >= 1 && v <= 16 ? v : 2;
  }();
  return target;
}

}  // namespace
}  // namespace duet

AttnDecodeSplit attn_decode_choose_split(int num_seqs, int hkv, int max_context, int sm_count) {
  using duet::kTileTokens;
  duet::require(num_seqs > 0 && hkv > 0 && max_context > 0 && sm_count > 0, "attn_decode_choose_split",
                "num_seqs, hkv, max_context and sm_count must be positive");
  const long long target_blocks = (long long)duet::blocks_per_sm_target() * sm_count;
  const long long base_blocks = (long long)num_seqs * hkv;
  long long splits = (target_blocks + base_blocks - 1) / base_blocks;
  if (splits < 1) splits = 1;
  long long tokens = (max_context + splits - 1) / splits;
  tokens = (tokens + kTileTokens - 1) / kTileTokens * kTileTokens;  // whole tiles (and so whole cache blocks)
  if (tokens > kAttnDecodeMaxSplitTokens) tokens = kAttnDecodeMaxSplitTokens;
  const long long num_splits = (max_context + tokens - 1) / tokens;
  return AttnDecodeSplit{(int)tokens, (int)num_splits};
}

size_t attn_decode_workspace_floats(int num_seqs, int hq, int num_splits, int dh) {
  return (size_t)num_seqs * hq * num_splits * (dh + 2);
}

void launch_attn_decode(const AttnDecodeParams& p, cudaStream_t stream) {
  duet::require(p.num_seqs > 0, "attn_decode", "num_seqs must be positive");
  duet::require(p.dh == duet::kDh, "attn_decode", "dh must be 128");
  duet::require(p.hkv > 0 && p.hq % p.hkv == 0, "attn_decode", "hq must be a multiple of hkv");
  duet::require(p.block_tokens == duet::kBlockTokens && p.max_blocks_per_seq > 0, "attn_decode",
                "block_tokens must be 16 and max_blocks_per_seq positive");
  duet::require(p.split_tokens > 0 && p.split_tokens <= kAttnDecodeMaxSplitTokens &&
                    p.split_tokens % duet::kTileTokens == 0 && p.num_splits > 0,
                "attn_decode", "split_tokens must be a multiple of 32 in 32..kAttnDecodeMaxSplitTokens and num_splits positive");
  duet::require(p.num_splits <= 65535 && p.num_seqs <= 65535, "attn_decode", "num_splits and num_seqs must be at most 65535");
  duet::require(p.num_splits == 1 || p.workspace != nullptr, "attn_decode", "workspace must be set when num_splits > 1");
  const AttnDecodeLoad load = p.load == AttnDecodeLoad::Auto ? duet::auto_load() : p.load;
  const bool has_bulk = duet::bulk::device_has_bulk_copy();
  duet::require((load != AttnDecodeLoad::Bulk && load != AttnDecodeLoad::Tma) || has_bulk, "attn_decode",
                "bulk and TMA loads need an sm_90 or later device");
  duet::require(load != AttnDecodeLoad::Tma || p.num_cache_blocks > 0, "attn_decode",
                "TMA loads need num_cache_blocks (the cache's page count) to be positive");
  const int mode = load == AttnDecodeLoad::Tma ? duet::kTma : load == AttnDecodeLoad::Bulk ? duet::kBulkRows : duet::kCpAsync;
  switch (p.hq / p.hkv) {
    case 1: duet::launch_group<1>(p, mode, stream); break;
    case 2: duet::launch_group<2>(p, mode, stream); break;
    case 3: duet::launch_group<3>(p, mode, stream); break;
    case 4: duet::launch_group<4>(p, mode, stream); break;
    case 5: duet::launch_group<5>(p, mode, stream); break;
    case 6: duet::launch_group<6>(p, mode, stream); break;
    case 7: duet::launch_group<7>(p, mode, stream); break;
    case 8: duet::launch_group<8>(p, mode, stream); break;
    default: duet::require(false, "attn_decode", "hq / hkv must be at most kAttnDecodeMaxGroup (8)");
  }
  if (p.num_splits > 1) {
    duet::attn_decode_reduce_kernel<<<dim3(p.hq, p.num_seqs), duet::kDh, 0, stream>>>(p);
    duet::check_launch("attn_decode (reduce pass)");
  }
}
