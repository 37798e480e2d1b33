// The schedule executor's paged KV cache bookkeeping: a fixed pool of blocks,
// handed to requests as their contexts grow and taken back when they finish
// or are preempted, so block tables scatter over the pool as in a serving
// engine (not one contiguous run per sequence). Host only, no CUDA: tested
// on any machine.
#ifndef DUET_CORE_KV_POOL_H
#define DUET_CORE_KV_POOL_H

#include <stdexcept>
#include <unordered_map>
#include <vector>

namespace duet {

struct KvPoolExhausted : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class KvPool {
 public:
  KvPool(long long num_blocks, int block_tokens);
  // Grows request `id`'s block list to cover `tokens` tokens (never shrinks)
  // and returns it. Throws KvPoolExhausted when the pool runs dry.
  const std::vector<int>& ensure(int id, long long tokens);
  // Returns every block of `id` to the pool. Throws std::logic_error for an id
  // that holds none: a schedule that frees what it never used is inconsistent.
  void release(int id);
  bool holds(int id) const { return owned_.count(id) != 0; }
  // Blocks request `id` holds (0 for none).
  long long held(int id) const {
    auto it = owned_.find(id);
    return it == owned_.end() ? 0 : (long long)it->second.size();
  }
  long long used() const { return used_; }
  long long peak() const { return peak_; }
  long long capacity() const { return capacity_; }
  int block_tokens() const { return block_tokens_; }

 private:
  long long capacity_;
  int block_tokens_;
  long long used_ = 0, peak_ = 0;
  std::vector<int> free_;  // a stack: the most recently freed block is reused first, as allocators do
  std::unordered_map<int, std::vector<int>> owned_;
};

}  // namespace duet

#endif  // DUET_CORE_KV_POOL_H
