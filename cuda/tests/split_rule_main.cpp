// attn_decode_choose_split on the host, no GPU needed (test/cuda/split-rule.test.ts builds it with the local nvcc):
//   split_rule_main SEQS HKV MAX_CONTEXT SM_COUNT [...]   prints "split_tokens num_splits" per case.
// The rule reads DUET_ATTN_DECODE_MATH / _SPLIT / _BLOCKS_PER_SM like a forward does; a bad value or argument
// prints the launcher's message and exits 2.
#include "kernels.h"

#include <cstdio>
#include <cstdlib>
#include <exception>

int main(int argc, char** argv) {
  if (argc < 5 || (argc - 1) % 4 != 0) {
    std::fprintf(stderr, "usage: split_rule_main SEQS HKV MAX_CONTEXT SM_COUNT [...]\n");
    return 2;
  }
  try {
    for (int i = 1; i + 3 < argc; i += 4) {
      const AttnDecodeSplit s = attn_decode_choose_split(std::atoi(argv[i]), std::atoi(argv[i + 1]), std::atoi(argv[i + 2]), std::atoi(argv[i + 3]));
      std::printf("%d %d\n", s.split_tokens, s.num_splits);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 2;
  }
  return 0;
}
