// Runs one experiment of a checked plan and returns its result line. Keeps
// partitions (green contexts and their cuBLASLt handles) and the current
// model's weights between experiments, since plans list many experiments per
// partition and per model.
#ifndef DUET_CORE_EXPERIMENT_RUNNER_H
#define DUET_CORE_EXPERIMENT_RUNNER_H

#include "device.h"
#include "forward.h"
#include "partition.h"
#include "plan.h"

#include <map>
#include <memory>
#include <string>

namespace duet {

// Memory an experiment needs at least (one input set, the fewest KV copies
// allowed); the plan check compares it with free memory before any work.
size_t experiment_min_bytes(const Experiment& e, const Plan& plan, const DeviceInfo& info, std::string& why);

class ExperimentRunner {
 public:
  ExperimentRunner(const Plan& plan, const DeviceInfo& info, const Partitioner& parts);
  std::string run(const Experiment& e);

 private:
  std::string run_ceiling_or_op(const Experiment& e);
  std::string run_forward(const Experiment& e);
  std::string run_concurrent(const Experiment& e);
  const Partition& partition(int sms);
  const ModelWeights& weights(const std::string& model);
  int kv_copies_for(const ModelConfig& cfg, const std::vector<const BatchSpec*>& batches, int sm_count);
  size_t free_bytes() const;

  const Plan& plan_;
  const DeviceInfo& info_;
  const Partitioner& parts_;
  std::map<int, std::unique_ptr<Partition>> partitions_;
  std::string model_name_;
  std::unique_ptr<ModelWeights> model_;
};

}  // namespace duet

#endif  // DUET_CORE_EXPERIMENT_RUNNER_H
