// Decode attention over the paged KV cache: flash-decoding on tensor cores.
//
// Two pass-1 kernels (AttnDecodeMath). The default since round 11 puts 16 context
// tokens on the mma rows and the G query heads on its 8 columns (token rows,
// attn_decode_token_rows_kernel, described where it is defined): on 8-16 SMs of an H100 it
// takes 0.86x the time of the head-rows kernel below by median, which the notes
// that follow describe and which the bulk and TMA load paths still use.
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
// On sm_90 pass 2 is a programmatic dependent launch of pass 1 (use_pdl below).
#include "kernels.h"
#include "bf16_vec.cuh"
#include "mma_sm80.cuh"
#include "bulk_copy.cuh"
#include "env_choice.h"

#include <cuda.h>
#include <cudaTypedefs.h>

#include <algorithm>
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

// Programmatic dependent launch (sm_90; DUET_ATTN_DECODE_PDL): pass 1's blocks let the merge pass be launched
// as soon as all of them have started, and the merge waits for pass 1 to complete (its writes visible) before
// it reads the workspace, so the merge's launch overlaps pass 1's last wave instead of following it. Without
// the launch attribute both instructions do nothing.
__device__ __forceinline__ void pdl_launch_dependents() {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
  asm volatile("griddepcontrol.launch_dependents;\n" ::: "memory");
#endif
}
__device__ __forceinline__ void pdl_wait_primary() {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
  asm volatile("griddepcontrol.wait;\n" ::: "memory");
#endif
}

// The end of pass 1: each warp has left its running max and sum per query head (s_m, s_l; log2 units) and
// its unnormalised output rows (s_acc, [kWarps][G][kDh]) in shared memory; thread d merges output dimension d
// of every head of the group, into the output (one split) or the split's workspace slot.
template <int G>
__device__ __forceinline__ void merge_warps(const float (&s_m)[kWarps][G], const float (&s_l)[kWarps][G], const float* s_acc,
                                            const AttnDecodeParams& p, int kvh, int seq, int split) {
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

template <int G, int kLoad>
// Four blocks an SM: 128 registers a thread.
__global__ void __launch_bounds__(kThreads, 4) attn_decode_split_kernel(AttnDecodeParams p, float scale_log2, const __grid_constant__ CacheMaps maps) {
  extern __shared__ __align__(1024) uint8_t smem_raw[];
  pdl_launch_dependents();
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
  merge_warps<G>(s_m, s_l, s_acc, p, kvh, seq, split);
}

// Pass 1 with the context tokens as the mma rows (AttnDecodeMath::TokenRows). The head-rows kernel above puts
// the G query heads of a kv head on the 16 rows of each mma tile: with G = 4 or 5, three quarters of every mma
// is padding, and P V runs as m16n8k8 (16 a warp and 8-token step). Nsight Compute shows that kernel bound by
// instructions issued on small partitions (cuda/NOTES.md, round 10), so this one swaps the operands:
// S^T = K Q^T with 16 tokens as rows and the (up to 8) heads as the n dimension, O^T = V^T P^T with 16 output
// dimensions as rows. Per warp and 16 tokens that is 8 + 8 m16n8k16 instead of 16 m16n8k16 + 32 m16n8k8, the
// same 16 ldmatrix. The score fragment (token rows) becomes P V's B fragment (token k-dimension) through two
// movmatrix transposes; each head's softmax reduces over the 8 lane groups (three shuffles, not two).
// A warp owns 16 rows of every 64-token tile, so a stage is 32 KB: kStagesT = 3 fits two blocks an SM,
// 2 fits three (one tile in flight while one is multiplied). Loads are cp.async as in the default path.
// Tried on an H100 and removed (cuda/NOTES.md, BENCHMARKS.md): a persistent grid walking items back to back (round 15,
// 1.03-1.13x the time by partition median) and TMA tensor-map boxes for the loads (round 16, 1.01-1.18x); neither what
// bounds 8-40 SMs.
constexpr int kTokWarpRows = 16;
constexpr int kTokTile = kTokWarpRows * kWarps;  // 64 tokens, four cache pages
constexpr int kTokStageBytes = 2 * kTokTile * kRowBytes;
template <int kStagesT>
constexpr int kTokSmemBytes = kStagesT * kTokStageBytes;
static_assert(kWarps * kAttnDecodeMaxGroup * kDh * 4 <= kTokSmemBytes<2>, "the merge reuses the stages");
static_assert(kAttnDecodeMaxGroup <= 8, "the heads are an mma's n dimension");

// A thread's fixed share of every tile load: thread c copies 16-byte chunk c % 16 of rows c / 16 + 8j (j < 8), K and
// V. Row c / 16 + 8j is in page j / 2 at slot c / 16 + 8 (j % 2); its swizzled chunk is the same for every j (rows 8
// apart), so one shared-memory offset and two in-page offsets serve every tile of the split.
struct TokRowsLoader {
  long long in_page[2];
  uint32_t off0;
  __device__ __forceinline__ TokRowsLoader(const AttnDecodeParams& p, int kvh) {
    const int chunk = threadIdx.x % 16, row0_thread = threadIdx.x / 16;
#pragma unroll
    for (int h = 0; h < 2; ++h) in_page[h] = ((long long)(row0_thread + 8 * h) * p.hkv + kvh) * kDh + chunk * 8;
    off0 = tile_offset<kCpAsync>(row0_thread, chunk);
  }
  // The tile whose first token is `first` (of the split's ntok) into `stage`; page[pg] is the element offset of its
  // pg-th cache page (unused past the split's end). Rows past the end are zero-filled (a page's unused slots may
  // hold NaN).
  __device__ __forceinline__ void load(const AttnDecodeParams& p, uint8_t* stage, const long long (&page)[4], int first, int ntok) const {
    constexpr int kTileBytes = kTokStageBytes / 2;
    uint8_t* sK = stage;
    uint8_t* sV = sK + kTileBytes;
    const int row0_thread = threadIdx.x / 16;
#pragma unroll
    for (int j = 0; j < kTokTile / 8; ++j) {
      const int tok = first + row0_thread + 8 * j;
      const bool valid = tok < ntok;
      const long long elem = valid ? page[j / 2] + in_page[j % 2] : 0;
      const uint32_t off = off0 + (uint32_t)(j * 8 * kRowBytes);
      cp_async_16(smem_addr(sK + off), p.k_cache + elem, valid ? 16 : 0);
      cp_async_16(smem_addr(sV + off), p.v_cache + elem, valid ? 16 : 0);
    }
  }
};

// Q as the B fragments of S^T = K Q^T: lane (g, t) holds head g's dims 16kk + 2t + {0, 1} and the same 8 on; heads
// G..7 are zero (their scores are computed and never kept).
template <int G>
__device__ __forceinline__ void tok_rows_load_q(uint32_t (&qb)[kDh / 16][2], const AttnDecodeParams& p, int seq, int kvh) {
  const int lane = threadIdx.x % 32, g = lane / 4, t = lane % 4;
  const __nv_bfloat16* qrow = p.q + ((long long)seq * p.hq + kvh * G + min(g, G - 1)) * kDh + 2 * t;
#pragma unroll
  for (int kk = 0; kk < kDh / 16; ++kk) {
    qb[kk][0] = g < G ? *reinterpret_cast<const uint32_t*>(qrow + 16 * kk) : 0u;
    qb[kk][1] = g < G ? *reinterpret_cast<const uint32_t*>(qrow + 16 * kk + 8) : 0u;
  }
}

// One warp's running softmax over a split: this lane's heads are 2t and 2t + 1 (e = 0, 1): running max (log2 units;
// the 8 lanes of a head agree), its share of the running sum, and O^T[16 db + g (+8)][2t + e] unnormalised.
struct TokRowsState {
  float m_run[2], l_run[2];
  float acc[kDh / 16][4];
  __device__ __forceinline__ void reset() {
    m_run[0] = m_run[1] = kNoScore;
    l_run[0] = l_run[1] = 0.f;
#pragma unroll
    for (int db = 0; db < kDh / 16; ++db) acc[db][0] = acc[db][1] = acc[db][2] = acc[db][3] = 0.f;
  }

  // The tile in sK / sV whose first token is `first` of the split's ntok.
  __device__ __forceinline__ void tile(const uint8_t* sK, const uint8_t* sV, const uint32_t (&qb)[kDh / 16][2], int first, int ntok,
                                       float scale_log2) {
    const int warp = threadIdx.x / 32, lane = threadIdx.x % 32, g = lane / 4;
    // ldmatrix addressing: lanes 8j..8j+7 give the rows of matrix j. K's A fragment (tokens x dims): matrix j is
    // tokens 8(j % 2).. and dim chunk 2kk + j / 2; V^T's (dims x tokens, transposing loads): tokens 8(j / 2).. and
    // chunk 2db + j % 2. Rows are 8-aligned, so a row's swizzle is lane % 8.
    const int mat = lane / 8;
    const int k_row = warp * kTokWarpRows + lane % 8 + 8 * (mat % 2);
    const int v_row = warp * kTokWarpRows + lane % 8 + 8 * (mat / 2);
    // S^T over this warp's 16 tokens: c0, c1 = token g, heads 2t, 2t+1; c2, c3 = token g + 8. Two accumulators
    // (even and odd 16-dim steps) halve the chain of dependent mma.
    float x[4];
    {
      float s0[4] = {0.f, 0.f, 0.f, 0.f}, s1[4] = {0.f, 0.f, 0.f, 0.f};
#pragma unroll
      for (int kk = 0; kk < kDh / 16; ++kk) {
        uint32_t a[4];
        ldmatrix_x4(a, smem_addr(sK + tile_offset<kCpAsync>(k_row, 2 * kk + mat / 2)));
        if (kk % 2 == 0) {
          mma_bf16(s0, a, qb[kk][0], qb[kk][1]);
        } else {
          mma_bf16(s1, a, qb[kk][0], qb[kk][1]);
        }
      }
      const int tok = first + warp * kTokWarpRows + g;
#pragma unroll
      for (int e = 0; e < 4; ++e) x[e] = tok + 8 * (e / 2) < ntok ? (s0[e] + s1[e]) * scale_log2 : -INFINITY;
    }
    float m_new[2];
#pragma unroll
    for (int e = 0; e < 2; ++e) {
      float mx = fmaxf(x[e], x[e + 2]);
      mx = fmaxf(mx, __shfl_xor_sync(0xffffffffu, mx, 4));
      mx = fmaxf(mx, __shfl_xor_sync(0xffffffffu, mx, 8));
      mx = fmaxf(mx, __shfl_xor_sync(0xffffffffu, mx, 16));
      m_new[e] = fmaxf(m_run[e], mx);
    }
    // Rescale only when some head's maximum moved (exact: exp2(0) = 1), as the head-rows kernel does.
    if (__any_sync(0xffffffffu, m_new[0] != m_run[0] || m_new[1] != m_run[1])) {
      const float r0 = fast_exp2(m_run[0] - m_new[0]), r1 = fast_exp2(m_run[1] - m_new[1]);
      l_run[0] *= r0;
      l_run[1] *= r1;
#pragma unroll
      for (int db = 0; db < kDh / 16; ++db) {
        acc[db][0] *= r0;
        acc[db][1] *= r1;
        acc[db][2] *= r0;
        acc[db][3] *= r1;
      }
      m_run[0] = m_new[0];
      m_run[1] = m_new[1];
    }
    float pr[4];
#pragma unroll
    for (int e = 0; e < 4; ++e) pr[e] = fast_exp2(x[e] - m_run[e % 2]);
    l_run[0] += pr[0] + pr[2];
    l_run[1] += pr[1] + pr[3];
    // P^T's B fragment: lane (g, t) needs tokens 2t, 2t+1 (and 8 on) of head g: the transpose of the score
    // fragment's 8x8 blocks.
    const uint32_t pb0 = movmatrix_trans(pack_bf16(pr[0], pr[1]));
    const uint32_t pb1 = movmatrix_trans(pack_bf16(pr[2], pr[3]));
    // O^T += V^T P^T, 16 output dimensions an mma; V^T's A fragments by transposing ldmatrix.
#pragma unroll
    for (int db = 0; db < kDh / 16; ++db) {
      uint32_t a[4];
      ldmatrix_x4_trans(a, smem_addr(sV + tile_offset<kCpAsync>(v_row, 2 * db + mat % 2)));
      mma_bf16(acc[db], a, pb0, pb1);
    }
  }

  // The split's end: each warp leaves its maxima, sums and unnormalised rows in s_m / s_l / s_acc
  // ([kWarps][G][kDh] floats), and the block merges them into the output or the split's workspace slot. The caller
  // makes sure nothing else uses s_acc meanwhile (a barrier after the last tile frees the stages it reuses); the
  // barrier here orders these writes before merge_warps reads them.
  template <int G>
  __device__ __forceinline__ void finish(float (&s_m)[kWarps][G], float (&s_l)[kWarps][G], float* s_acc, const AttnDecodeParams& p, int kvh,
                                         int seq, int split) {
    const int warp = threadIdx.x / 32, lane = threadIdx.x % 32, g = lane / 4, t = lane % 4;
#pragma unroll
    for (int e = 0; e < 2; ++e) {
      l_run[e] += __shfl_xor_sync(0xffffffffu, l_run[e], 4);
      l_run[e] += __shfl_xor_sync(0xffffffffu, l_run[e], 8);
      l_run[e] += __shfl_xor_sync(0xffffffffu, l_run[e], 16);
    }
#pragma unroll
    for (int e = 0; e < 2; ++e) {
      const int head = 2 * t + e;
      if (head >= G) continue;
      if (g == 0) {
        s_m[warp][head] = m_run[e];
        s_l[warp][head] = l_run[e];
      }
      float* dst = s_acc + (warp * G + head) * kDh + g;
#pragma unroll
      for (int db = 0; db < kDh / 16; ++db) {
        dst[16 * db] = acc[db][e];
        dst[16 * db + 8] = acc[db][e + 2];
      }
    }
    __syncthreads();
    merge_warps<G>(s_m, s_l, s_acc, p, kvh, seq, split);
  }
};

template <int G, int kStagesT>
__global__ void __launch_bounds__(kThreads, kStagesT == 2 ? 3 : 2)
    attn_decode_token_rows_kernel(AttnDecodeParams p, float scale_log2) {
  extern __shared__ __align__(128) uint8_t smem[];
  __shared__ int s_blocks[kAttnDecodeMaxSplitTokens / kBlockTokens];
  __shared__ float s_m[kWarps][G], s_l[kWarps][G];
  pdl_launch_dependents();
  const int split = blockIdx.x, kvh = blockIdx.y, seq = blockIdx.z;
  const int ctx = p.context_len[seq];
  const int t0 = split * p.split_tokens;  // a multiple of 32, so of the 16-token page
  if (t0 >= ctx) return;
  const int ntok = min(p.split_tokens, ctx - t0);
  const int ntiles = (ntok + kTokTile - 1) / kTokTile;
  const int* table = p.block_table + (long long)seq * p.max_blocks_per_seq + t0 / kBlockTokens;
  for (int j = threadIdx.x; j * kBlockTokens < ntok; j += kThreads) s_blocks[j] = table[j];
  __syncthreads();

  const TokRowsLoader loader(p, kvh);
  const long long page_elems = (long long)kBlockTokens * p.hkv * kDh;
  auto load_tile = [&](int tile, int stage) {
    const int first = tile * kTokTile;
    long long page[4];
#pragma unroll
    for (int pg = 0; pg < 4; ++pg) page[pg] = first + pg * kBlockTokens < ntok ? (long long)s_blocks[4 * tile + pg] * page_elems : 0;
    loader.load(p, smem + stage * kTokStageBytes, page, first, ntok);
  };
  uint32_t qb[kDh / 16][2];
  tok_rows_load_q<G>(qb, p, seq, kvh);
  TokRowsState st;
  st.reset();

#pragma unroll
  for (int s = 0; s < kStagesT - 1; ++s) {
    if (s < ntiles) load_tile(s, s);
    cp_async_commit();
  }
  for (int i = 0; i < ntiles; ++i) {
    cp_async_wait<kStagesT - 2>();
    __syncthreads();  // tile i is in; every warp is done with tile i - 1, whose stage is refilled now
    {
      const int next = i + kStagesT - 1;
      if (next < ntiles) load_tile(next, next % kStagesT);
      cp_async_commit();
    }
    const uint8_t* sK = smem + (i % kStagesT) * kTokStageBytes;
    st.tile(sK, sK + kTokStageBytes / 2, qb, i * kTokTile, ntok, scale_log2);
  }
  cp_async_wait<0>();
  __syncthreads();  // the stages are free: the merge reuses them
  st.finish<G>(s_m, s_l, reinterpret_cast<float*>(smem), p, kvh, seq, split);
}

__global__ void __launch_bounds__(kDh) attn_decode_reduce_kernel(AttnDecodeParams p) {
  pdl_wait_primary();
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

// The dynamic shared-memory limit is per device and function: raise it once for each, and ask for the largest
// shared-memory carveout so that the blocks the kernel is sized for fit an SM.
template <typename Kernel>
void prepare_kernel(Kernel kernel, int smem_bytes, bool (&raised)[kMaxDevices], const char* what) {
  int device = 0;
  if (cudaGetDevice(&device) != cudaSuccess) throw std::runtime_error("attn_decode: cudaGetDevice failed");
  if (device < kMaxDevices && raised[device]) return;
  cudaError_t err = cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, smem_bytes);
  if (err == cudaSuccess) err = cudaFuncSetAttribute(kernel, cudaFuncAttributePreferredSharedMemoryCarveout, cudaSharedmemCarveoutMaxShared);
  if (err != cudaSuccess) {
    throw std::runtime_error(std::string("attn_decode: cannot set shared memory to ") + std::to_string(smem_bytes) +
                             " bytes: " + cudaGetErrorString(err));
  }
  if (device < kMaxDevices) raised[device] = true;
  if (std::getenv("DUET_ATTN_DECODE_DEBUG")) {
    int blocks = 0;
    cudaOccupancyMaxActiveBlocksPerMultiprocessor(&blocks, kernel, kThreads, smem_bytes);
    std::fprintf(stderr, "attn_decode: %s smem=%d B: %d blocks per SM\n", what, smem_bytes, blocks);
  }
}

template <int G, int kLoad>
void launch_group(const AttnDecodeParams& p, cudaStream_t stream) {
  const auto kernel = attn_decode_split_kernel<G, kLoad>;
  constexpr int smem_bytes = kSmemBytes<kLoad>;
  static bool raised[kMaxDevices] = {};
  const std::string what = "head rows G=" + std::to_string(G) + " load=" + load_name(kLoad) + " stages=" + std::to_string(kStages);
  prepare_kernel(kernel, smem_bytes, raised, what.c_str());
  CacheMaps maps{};
  if constexpr (kLoad == kTma) {
    maps.k = cache_map(p.k_cache, p.hkv, p.num_cache_blocks);
    maps.v = cache_map(p.v_cache, p.hkv, p.num_cache_blocks);
  }
  const dim3 grid(p.num_splits, p.hkv, p.num_seqs);
  kernel<<<grid, kThreads, smem_bytes, stream>>>(p, p.scale * kLog2e, maps);
  check_launch("attn_decode (split pass)");
}

template <int G, int kStagesT>
void launch_token_rows(const AttnDecodeParams& p, cudaStream_t stream) {
  const auto kernel = attn_decode_token_rows_kernel<G, kStagesT>;
  constexpr int smem_bytes = kTokSmemBytes<kStagesT>;
  static bool raised[kMaxDevices] = {};
  const std::string what = "token rows G=" + std::to_string(G) + " stages=" + std::to_string(kStagesT);
  prepare_kernel(kernel, smem_bytes, raised, what.c_str());
  const dim3 grid(p.num_splits, p.hkv, p.num_seqs);
  kernel<<<grid, kThreads, smem_bytes, stream>>>(p, p.scale * kLog2e);
  check_launch("attn_decode (split pass, token rows)");
}

// mode: a load path (kCpAsync, kBulkRows, kTma) for the head-rows kernel, or kTokenRows2 / kTokenRows3 for the
// token-rows kernel with 2 or 3 stages (cp.async loads).
constexpr int kTokenRows2 = 3, kTokenRows3 = 4;
template <int G>
void launch_group(const AttnDecodeParams& p, int mode, cudaStream_t stream) {
  switch (mode) {
    case kTma: launch_group<G, kTma>(p, stream); break;
    case kBulkRows: launch_group<G, kBulkRows>(p, stream); break;
    case kTokenRows2: launch_token_rows<G, 2>(p, stream); break;
    case kTokenRows3: launch_token_rows<G, 3>(p, stream); break;
    default: launch_group<G, kCpAsync>(p, stream);
  }
}

// The load path for AttnDecodeLoad::Auto: cp.async (measured faster, see the top), unless
// DUET_ATTN_DECODE_LOAD=cp_async|bulk|tma says otherwise for a tuning run (cuda/NOTES.md records them); an unknown
// value is an error, not a silent default.
AttnDecodeLoad auto_load() {
  static const AttnDecodeLoad load = env_choice(
      "DUET_ATTN_DECODE_LOAD", AttnDecodeLoad::Auto, {{"cp_async", AttnDecodeLoad::CpAsync}, {"bulk", AttnDecodeLoad::Bulk}, {"tma", AttnDecodeLoad::Tma}});
  return load;
}

// The kernel for AttnDecodeMath::Auto: token rows (measured faster: 0.86x the head-rows time by median on 8-16 SMs
// of an H100, 0.96x on 32, 0.99x on 64-132; worst 1.12x, 16 x 512 on 32 SMs, a second wave of blocks at three an
// SM; calibrate/data/h100-2026-12-05-kernel-quality/round11/sweep-b1, -b3), unless
// DUET_ATTN_DECODE_MATH=head_rows|token_rows says otherwise for a tuning run; an unknown value is an error.
AttnDecodeMath auto_math() {
  static const AttnDecodeMath math =
      env_choice("DUET_ATTN_DECODE_MATH", AttnDecodeMath::TokenRows, {{"head_rows", AttnDecodeMath::HeadRows}, {"token_rows", AttnDecodeMath::TokenRows}});
  return math;
}

// Whether the merge pass is launched as a programmatic dependent of pass 1 (sm_90): on (0.89-0.96x the time of
// split decodes of 1-16 sequences on 64-132 SMs of an H100, never over 1.01x elsewhere;
// calibrate/data/h100-2026-12-05-kernel-quality/round11/call2/sweep-b2, -b3) unless DUET_ATTN_DECODE_PDL=0.
bool use_pdl() {
  static const bool on = env_choice("DUET_ATTN_DECODE_PDL", true, {{"0", false}, {"1", true}});
  return on;
}

// The token-rows kernel's stage count when AttnDecodeParams::token_rows_stages is 0: 2 (three blocks an SM;
// 0.88x / 0.90x the 3-stage time by median on 8 / 16 SMs of an H100, level from 32 up: round11/sweep-b2, -b3), unless
// DUET_ATTN_DECODE_STAGES=2|3 says otherwise.
int auto_token_rows_stages() {
  static const int stages = env_choice("DUET_ATTN_DECODE_STAGES", 2, {{"2", 2}, {"3", 3}});
  return stages;
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

// When a batch is split along its contexts (DUET_ATTN_DECODE_SPLIT):
//  hbm    (default) not at all once its (sequence, kv head) blocks alone can keep the partition's HBM busy, i.e. they
//         number blocks_per_sm_target() a saturating SM (at most kHbmSaturationSms of them); otherwise as fill;
//  fill   towards blocks_per_sm_target() blocks an SM, whatever the batch (the rule up to round 11);
//  cover  as fill, but not at all once the blocks outnumber the SMs.
// Why: a split costs a merge pass, and pays only while the blocks are too few to keep HBM busy (one block an SM
// cannot on a small partition) or their chains of tiles are long. H100 sweep, round12/call2 (per shape, ÷ fill):
// cover took 16 x 512 to 0.76-0.86x on 72-96 SMs but 1 x 512 on 8 SMs to 1.12-1.14x (8 blocks on 8 SMs); a target of
// two blocks an SM over at most 32 SMs took 16 x 512 to 0.85-0.87x on 132 SMs too, but cut 1 x 4,096 into 512-token
// chains, 1.02-1.13x on 64-132 SMs. hbm makes, shape by shape, the choice that was fastest there; no other shape of
// the kernel-quality plan changes.
enum class SplitRule { Hbm, Fill, Cover };
SplitRule split_rule() {
  static const SplitRule rule = env_choice("DUET_ATTN_DECODE_SPLIT", SplitRule::Hbm,
                                           {{"hbm", SplitRule::Hbm}, {"fill", SplitRule::Fill}, {"cover", SplitRule::Cover}});
  return rule;
}

// The SM count from which the copy kernel reads at the whole card's HBM bandwidth: 32 on an H100 (the copy ceiling
// takes 751-754 us on 32 SMs and on 132; round12/call1-2). The H200's notes put it nearer 56 (2.1 TB/s on 32 SMs,
// ~3.1 TB/s from 56); 32 there splits fewer batches of 64-111 blocks than the card could use, untimed until an H200 runs.
constexpr int kHbmSaturationSms = 32;

}  // namespace
}  // namespace duet

AttnDecodeSplit attn_decode_choose_split(int num_seqs, int hkv, int max_context, int sm_count) {
  using duet::kTileTokens;
  duet::require(num_seqs > 0 && hkv > 0 && max_context > 0 && sm_count > 0, "attn_decode_choose_split",
                "num_seqs, hkv, max_context and sm_count must be positive");
  const duet::SplitRule rule = duet::split_rule();
  const long long target_blocks = (long long)duet::blocks_per_sm_target() * sm_count;
  const long long hbm_blocks = (long long)duet::blocks_per_sm_target() * std::min(sm_count, duet::kHbmSaturationSms);
  const long long base_blocks = (long long)num_seqs * hkv;
  long long splits = (target_blocks + base_blocks - 1) / base_blocks;
  if (splits < 1 || (rule == duet::SplitRule::Cover && base_blocks >= sm_count) ||
      (rule == duet::SplitRule::Hbm && base_blocks >= hbm_blocks))
    splits = 1;
  long long tokens = (max_context + splits - 1) / splits;
  // Whole tiles of the kernel Auto runs (and so whole cache blocks): 32 tokens for head rows, 64 for token rows.
  const long long tile = duet::auto_math() == AttnDecodeMath::TokenRows ? duet::kTokTile : kTileTokens;
  tokens = (tokens + tile - 1) / tile * tile;
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
  // Auto math takes token rows only with cp.async loads (the only path it has; its persistent grid and TMA loads
  // were slower: kernel rounds 15 and 16, cuda/NOTES.md); asked for explicitly with another load, it is an error.
  AttnDecodeMath math = p.math == AttnDecodeMath::Auto ? duet::auto_math() : p.math;
  if (p.math == AttnDecodeMath::Auto && load != AttnDecodeLoad::Auto && load != AttnDecodeLoad::CpAsync) math = AttnDecodeMath::HeadRows;
  duet::require(math == AttnDecodeMath::HeadRows || load == AttnDecodeLoad::Auto || load == AttnDecodeLoad::CpAsync, "attn_decode",
                "the token-rows kernel loads with cp.async only");
  duet::require(p.token_rows_stages == 0 || p.token_rows_stages == 2 || p.token_rows_stages == 3, "attn_decode",
                "token_rows_stages must be 0 (the default), 2 or 3");
  const int stages = p.token_rows_stages != 0 ? p.token_rows_stages : duet::auto_token_rows_stages();
  const int mode = math == AttnDecodeMath::TokenRows ? (stages == 2 ? duet::kTokenRows2 : duet::kTokenRows3)
                   : load == AttnDecodeLoad::Tma    ? duet::kTma
                   : load == AttnDecodeLoad::Bulk   ? duet::kBulkRows
                                                    : duet::kCpAsync;
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
    if (has_bulk && duet::use_pdl()) {  // has_bulk: sm_90 or later, where dependent launches exist
      cudaLaunchConfig_t cfg{};
      cfg.gridDim = dim3(p.hq, p.num_seqs);
      cfg.blockDim = dim3(duet::kDh);
      cfg.dynamicSmemBytes = 0;
      cfg.stream = stream;
      cudaLaunchAttribute attr{};
      attr.id = cudaLaunchAttributeProgrammaticStreamSerialization;
      attr.val.programmaticStreamSerializationAllowed = 1;
      cfg.attrs = &attr;
      cfg.numAttrs = 1;
      const cudaError_t err = cudaLaunchKernelEx(&cfg, duet::attn_decode_reduce_kernel, p);
      if (err != cudaSuccess) throw std::runtime_error(std::string("attn_decode (reduce pass, dependent launch): ") + cudaGetErrorString(err));
    } else {
      duet::attn_decode_reduce_kernel<<<dim3(p.hq, p.num_seqs), duet::kDh, 0, stream>>>(p);
    }
    duet::check_launch("attn_decode (reduce pass)");
  }
}
