#include "kv_pool.h"

#include <string>

namespace duet {

KvPool::KvPool(long long num_blocks, int block_tokens) : capacity_(num_blocks), block_tokens_(block_tokens) {
  if (num_blocks < 1 || num_blocks > (1LL << 31) - 1) throw std::invalid_argument("KvPool: num_blocks out of range");
  if (block_tokens < 1) throw std::invalid_argument("KvPool: block_tokens must be >= 1");
  free_.reserve((size_t)num_blocks);
  // Pushed in reverse so the first allocations get blocks 0, 1, 2, ...
  for (long long b = num_blocks - 1; b >= 0; --b) free_.push_back((int)b);
}

const std::vector<int>& KvPool::ensure(int id, long long tokens) {
  if (tokens < 0) throw std::invalid_argument("KvPool::ensure: negative token count");
  std::vector<int>& list = owned_[id];
  const long long need = (tokens + block_tokens_ - 1) / block_tokens_;
  if (need - (long long)list.size() > (long long)free_.size())
    throw KvPoolExhausted("KV pool exhausted: request " + std::to_string(id) + " needs " +
                          std::to_string(need - (long long)list.size()) + " more blocks, " +
                          std::to_string(free_.size()) + " of " + std::to_string(capacity_) + " free");
  while ((long long)list.size() < need) {
    list.push_back(free_.back());
    free_.pop_back();
    ++used_;
  }
  if (used_ > peak_) peak_ = used_;
  return list;
}

void KvPool::release(int id) {
  auto it = owned_.find(id);
  if (it == owned_.end()) throw std::logic_error("KvPool::release: request " + std::to_string(id) + " holds no blocks");
  for (auto b = it->second.rbegin(); b != it->second.rend(); ++b) free_.push_back(*b);
  used_ -= (long long)it->second.size();
  owned_.erase(it);
}

}  // namespace duet
