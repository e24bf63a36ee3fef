// Operands and golden outputs of a layer (or of a whole network: its memory image), computed once per
// shape (network) and data seed and kept on disk.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "models/common/accelerator.h"
#include "models/common/golden.h"
#include "models/common/layer.h"

namespace acv {

// What a simulating backend checks a layer's run against.
struct GoldenCase {
  LayerData data;                 // make_layer_data(layer, seed)
  std::vector<int32_t> expected;  // golden_output(layer, data)
  uint64_t expected_hash = 0;     // hash_output(expected)
};

// Keyed like the result cache: a SHA-256 of everything that decides the tensors (the sources of
// the data generator and the golden reference, the layer's shape, the seed). One file per key
// (DIR/ab/abcdef....bin), written by an atomic rename, so concurrent `acv run`s sharing the folder
// never read half a file; a file that does not have the expected sizes is recomputed.
class GoldenCache {
 public:
  // `dir` empty: nothing is stored (every get() computes). `sources_key`: golden_sources_key().
  // `repo_root`: where the accelerators' sources are, for network keys (empty: they are not hashed).
  GoldenCache(std::string dir, std::string sources_key, std::string repo_root = "");
  // Contract: the same tensors as computing them (make_layer_data + golden_output), from disk when
  // stored, else computed and stored.
  GoldenCase get(const Layer& layer, uint64_t seed) const;
  std::string key(const Layer& layer, uint64_t seed) const;
  // Contract: what accel.network_golden(workload, config, seed) returns, from disk when stored,
  // else computed and stored. `network` is accel.map_network(workload, config): the stored image
  // must be its program.dram_bytes long. Keyed by the layer key's sources, the accelerator's
  // sources (models/<accelerator>/, models/common/golden_quantized.*), the config's parameters (not
  // its memory timing), every layer's shape and dataflow (input, residual, ReLU, name) and the seed.
  NetworkGolden get_network(const Accelerator& accel, const AccelConfig& config, const Workload& workload,
                            const NetworkProgram& network, uint64_t seed) const;
  std::string network_key(const AccelConfig& config, const Workload& workload, uint64_t seed) const;
  const std::string& dir() const { return dir_; }

 private:
  std::string path_of(const std::string& key) const;
  std::string accelerator_sources_key(const std::string& accelerator) const;
  std::string dir_;
  std::string sources_key_;
  std::string repo_root_;
  mutable std::mutex memo_mutex_;
  mutable std::map<std::string, std::string> accelerator_keys_;  // per accelerator: its sources' hash
};

// The cache `acv run` and `acv bench` use by default: <cache>/golden, <cache> as for acv validate
// (default_cache_dir of the repository above `config_file`); null when no repository is found.
std::shared_ptr<const GoldenCache> default_golden_cache(const std::string& config_file);

// Hash of the sources that decide operands and golden outputs under `repo_root`
// (models/common/golden.*, gemm_kernels.h, layer.*); a fixed text when the sources are not found.
std::string golden_sources_key(const std::string& repo_root);

}  // namespace acv
