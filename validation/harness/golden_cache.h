// Operands and golden outputs of a layer, computed once per layer shape and data seed and kept on disk.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

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
  GoldenCache(std::string dir, std::string sources_key);
  // Contract: the same tensors as computing them (make_layer_data + golden_output), from disk when
  // stored, else computed and stored.
  GoldenCase get(const Layer& layer, uint64_t seed) const;
  std::string key(const Layer& layer, uint64_t seed) const;
  const std::string& dir() const { return dir_; }

 private:
  std::string path_of(const std::string& key) const;
  std::string dir_;
  std::string sources_key_;
};

// The cache `acv run` and `acv bench` use by default: <cache>/golden, <cache> as for acv validate
// (default_cache_dir of the repository above `config_file`); null when no repository is found.
std::shared_ptr<const GoldenCache> default_golden_cache(const std::string& config_file);

// Hash of the sources that decide operands and golden outputs under `repo_root`
// (models/common/golden.*, gemm_kernels.h, layer.*); a fixed text when the sources are not found.
std::string golden_sources_key(const std::string& repo_root);

}  // namespace acv
