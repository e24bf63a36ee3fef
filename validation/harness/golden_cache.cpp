// The on-disk store of operands and golden outputs.
#include "validation/harness/golden_cache.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "models/common/prefault.h"
#include "validation/harness/content_hash.h"
#include "validation/harness/result_cache.h"
#include "validation/harness/suite.h"

namespace fs = std::filesystem;

namespace acv {

namespace {

// Bump when the file layout or the meaning of the tensors changes in a way the hashed sources do not show.
constexpr const char* kGoldenVersion = "acv-golden-cache-3";
constexpr char kMagic[8] = {'A', 'C', 'V', 'G', 'O', 'L', 'D', '3'};

// File: Header, the outputs (int32, first so that they are aligned in a mapping), input, weights.
struct Header {
  char magic[8];
  uint64_t input, weights, outputs;  // element counts
  uint64_t output_hash;              // hash_output of the outputs
};
static_assert(sizeof(Header) % alignof(int32_t) == 0, "outputs follow the header aligned");

// A network's file: NetHeader, the expected outputs (int32), the memory image.
constexpr const char* kNetworkVersion = "acv-golden-network-1";
constexpr char kNetMagic[8] = {'A', 'C', 'V', 'G', 'N', 'E', 'T', '1'};
struct NetHeader {
  char magic[8];
  uint64_t outputs, dram;  // element counts
};
static_assert(sizeof(NetHeader) % alignof(int32_t) == 0, "outputs follow the header aligned");

// The file mapped, or null (absent, unreadable, shorter than a header).
struct Mapped {
  const uint8_t* bytes = nullptr;
  std::size_t size = 0;
  Mapped(const std::string& path, std::size_t min_size) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    struct stat st {};
    void* map = MAP_FAILED;
    if (::fstat(fd, &st) == 0 && static_cast<std::size_t>(st.st_size) >= min_size)
      map = ::mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    ::close(fd);
    if (map == MAP_FAILED) return;
    bytes = static_cast<const uint8_t*>(map);
    size = static_cast<std::size_t>(st.st_size);
  }
  ~Mapped() {
    if (bytes) ::munmap(const_cast<uint8_t*>(bytes), size);
  }
  Mapped(const Mapped&) = delete;
  Mapped& operator=(const Mapped&) = delete;
};

bool read_network(const std::string& path, uint64_t dram_bytes, NetworkGolden* out) {
  const Mapped m(path, sizeof(NetHeader));
  if (!m.bytes) return false;
  NetHeader h{};
  std::memcpy(&h, m.bytes, sizeof h);
  // Exactly the expected bytes: a truncated or overlong file, or one of another image size, is recomputed.
  if (std::memcmp(h.magic, kNetMagic, sizeof kNetMagic) != 0 || h.dram != dram_bytes ||
      h.outputs > (m.size - sizeof h) / sizeof(int32_t) || m.size != sizeof h + h.outputs * sizeof(int32_t) + h.dram)
    return false;
  const auto* outputs = reinterpret_cast<const int32_t*>(m.bytes + sizeof h);
  out->expected = prefaulted_copy(outputs, h.outputs);
  out->dram = prefaulted_copy(reinterpret_cast<const uint8_t*>(outputs + h.outputs), h.dram);
  return true;
}

// Writes `parts` to `path` by an atomic rename; best effort: a cache that cannot be written only
// costs the next run the computation.
void write_atomically(const std::string& path, const std::vector<std::pair<const void*, std::size_t>>& parts) {
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary);
    for (const auto& [data, size] : parts)
      out.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
    if (!out) {
      fs::remove(tmp, ec);
      return;
    }
  }
  fs::rename(tmp, path, ec);
  if (ec) fs::remove(tmp, ec);
}

// The file is mapped (populated at once) and each tensor copied from the mapping into a vector whose
// pages are faulted in first: one copy, no zero-fill and no page fault per page, as a layer's
// tensors are megabytes. Files are replaced by rename, never changed in place, so the mapping holds.
bool read_exact(const std::string& path, const Layer& layer, GoldenCase* out) {
  const Mapped m(path, sizeof(Header));
  if (!m.bytes) return false;
  const auto size = static_cast<uint64_t>(m.size);
  const uint8_t* bytes = m.bytes;
  Header h{};
  std::memcpy(&h, bytes, sizeof h);
  // Exactly the expected bytes: a truncated or overlong file is recomputed.
  if (std::memcmp(h.magic, kMagic, sizeof kMagic) != 0 || h.input != static_cast<uint64_t>(layer.input_elems()) ||
      h.weights != static_cast<uint64_t>(layer.weight_elems()) ||
      h.outputs != static_cast<uint64_t>(layer.output_elems()) ||
      size != sizeof h + h.input + h.weights + h.outputs * sizeof(int32_t))
    return false;
  const auto* outputs = reinterpret_cast<const int32_t*>(bytes + sizeof h);
  const auto* input = reinterpret_cast<const int8_t*>(outputs + h.outputs);
  out->expected = prefaulted_copy(outputs, h.outputs);
  out->data.input = prefaulted_copy(input, h.input);
  out->data.weights = prefaulted_copy(input + h.input, h.weights);
  out->expected_hash = h.output_hash;
  return true;
}

}  // namespace

GoldenCache::GoldenCache(std::string dir, std::string sources_key, std::string repo_root)
    : dir_(std::move(dir)), sources_key_(std::move(sources_key)), repo_root_(std::move(repo_root)) {}

std::string GoldenCache::key(const Layer& layer, uint64_t seed) const {
  ContentHasher h;
  h.field(kGoldenVersion).field(sources_key_).field(shape_text(layer)).field(std::to_string(seed));
  return h.hex();
}

std::string GoldenCache::path_of(const std::string& key) const { return dir_ + "/" + key.substr(0, 2) + "/" + key + ".bin"; }

GoldenCase GoldenCache::get(const Layer& layer, uint64_t seed) const {
  GoldenCase g;
  std::string path;
  if (!dir_.empty()) {
    path = path_of(key(layer, seed));
    if (read_exact(path, layer, &g)) return g;
  }
  g.data = make_layer_data(layer, seed);
  g.expected = golden_output(layer, g.data);
  g.expected_hash = hash_output(g.expected);
  if (dir_.empty()) return g;
  Header h{};
  std::memcpy(h.magic, kMagic, sizeof kMagic);
  h.input = g.data.input.size();
  h.weights = g.data.weights.size();
  h.outputs = g.expected.size();
  h.output_hash = g.expected_hash;
  write_atomically(path, {{&h, sizeof h},
                          {g.expected.data(), h.outputs * sizeof(int32_t)},
                          {g.data.input.data(), h.input},
                          {g.data.weights.data(), h.weights}});
  return g;
}

std::string GoldenCache::accelerator_sources_key(const std::string& accelerator) const {
  const std::lock_guard<std::mutex> lock(memo_mutex_);
  const auto it = accelerator_keys_.find(accelerator);
  if (it != accelerator_keys_.end()) return it->second;
  ContentHasher h;
  if (repo_root_.empty()) {
    h.field("no-sources");
  } else {
    // The mapper (layouts, requantization shifts, operand streams) and the quantized golden reference.
    CacheKeyer keyer(repo_root_);
    for (const char* f : {"models/common/golden_quantized.cpp", "models/common/golden_quantized.h"})
      h.field(f).field(keyer.file_hash(repo_root_ + "/" + f));
    h.field("mapper").field(keyer.tree_hash(repo_root_ + "/models/" + accelerator, false));
  }
  return accelerator_keys_[accelerator] = h.hex();
}

std::string GoldenCache::network_key(const AccelConfig& config, const Workload& workload, uint64_t seed) const {
  ContentHasher h;
  h.field(kNetworkVersion)
      .field(sources_key_)
      .field(config.accelerator)
      .field(accelerator_sources_key(config.accelerator));
  // The parameters decide the mapping; the external memory's timing (config.dram) does not.
  h.field(std::to_string(config.params.size()));
  for (const auto& [name, value] : config.params) h.field(name).field(value.text);
  h.field(std::to_string(workload.layers.size()));
  for (const Layer& l : workload.layers)
    h.field(l.name).field(shape_text(l)).field(l.input_from).field(l.residual_from).field(l.relu ? "relu" : "");
  h.field(std::to_string(seed));
  return h.hex();
}

NetworkGolden GoldenCache::get_network(const Accelerator& accel, const AccelConfig& config, const Workload& workload,
                                       const NetworkProgram& network, uint64_t seed) const {
  NetworkGolden g;
  std::string path;
  if (!dir_.empty()) {
    path = path_of(network_key(config, workload, seed));
    if (read_network(path, network.program.dram_bytes, &g)) return g;
  }
  g = accel.network_golden(workload, config, seed);
  if (dir_.empty()) return g;
  NetHeader h{};
  std::memcpy(h.magic, kNetMagic, sizeof kNetMagic);
  h.outputs = g.expected.size();
  h.dram = g.dram.size();
  write_atomically(
      path, {{&h, sizeof h}, {g.expected.data(), g.expected.size() * sizeof(int32_t)}, {g.dram.data(), g.dram.size()}});
  return g;
}

std::shared_ptr<const GoldenCache> default_golden_cache(const std::string& config_file) {
  const std::string repo = find_repo_root(config_file);
  if (repo.empty()) return nullptr;
  return std::make_shared<const GoldenCache>(default_cache_dir(repo) + "/golden", golden_sources_key(repo), repo);
}

std::string golden_sources_key(const std::string& repo_root) {
  if (repo_root.empty()) return "no-sources";
  ContentHasher h;
  CacheKeyer keyer(repo_root);
  for (const char* f : {"models/common/golden.cpp", "models/common/golden.h", "models/common/gemm_kernels.h",
                        "models/common/layer.cpp", "models/common/layer.h"})
    h.field(f).field(keyer.file_hash(repo_root + "/" + f));
  return h.hex();
}

}  // namespace acv
