// The on-disk store of operands and golden outputs.
#include "validation/harness/golden_cache.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
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

// The file is mapped (populated at once) and each tensor copied from the mapping into a vector whose
// pages are faulted in first: one copy, no zero-fill and no page fault per page, as a layer's
// tensors are megabytes. Files are replaced by rename, never changed in place, so the mapping holds.
bool read_exact(const std::string& path, const Layer& layer, GoldenCase* out) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  struct stat st {};
  void* map = MAP_FAILED;
  if (::fstat(fd, &st) == 0 && static_cast<std::size_t>(st.st_size) >= sizeof(Header))
    map = ::mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
  ::close(fd);
  if (map == MAP_FAILED) return false;
  const auto size = static_cast<uint64_t>(st.st_size);
  struct Unmap {
    void* p;
    std::size_t n;
    ~Unmap() { ::munmap(p, n); }
  } unmap{map, static_cast<std::size_t>(size)};
  const auto* bytes = static_cast<const uint8_t*>(map);
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

GoldenCache::GoldenCache(std::string dir, std::string sources_key)
    : dir_(std::move(dir)), sources_key_(std::move(sources_key)) {}

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
  // Best effort: a cache that cannot be written only costs the next run the computation.
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary);
    Header h{};
    std::memcpy(h.magic, kMagic, sizeof kMagic);
    h.input = g.data.input.size();
    h.weights = g.data.weights.size();
    h.outputs = g.expected.size();
    h.output_hash = g.expected_hash;
    out.write(reinterpret_cast<const char*>(&h), sizeof h);
    out.write(reinterpret_cast<const char*>(g.expected.data()), static_cast<std::streamsize>(h.outputs * sizeof(int32_t)));
    out.write(reinterpret_cast<const char*>(g.data.input.data()), static_cast<std::streamsize>(h.input));
    out.write(reinterpret_cast<const char*>(g.data.weights.data()), static_cast<std::streamsize>(h.weights));
    if (!out) {
      fs::remove(tmp, ec);
      return g;
    }
  }
  fs::rename(tmp, path, ec);
  if (ec) fs::remove(tmp, ec);
  return g;
}

std::shared_ptr<const GoldenCache> default_golden_cache(const std::string& config_file) {
  const std::string repo = find_repo_root(config_file);
  if (repo.empty()) return nullptr;
  return std::make_shared<const GoldenCache>(default_cache_dir(repo) + "/golden", golden_sources_key(repo));
}

std::string golden_sources_key(const std::string& repo_root) {
  if (repo_root.empty()) return "no-sources";
  ContentHasher h;
  for (const char* f : {"models/common/golden.cpp", "models/common/golden.h", "models/common/gemm_kernels.h",
                        "models/common/layer.cpp", "models/common/layer.h"}) {
    std::ifstream in(repo_root + "/" + f, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    h.field(f).field(in ? text : std::string("missing"));
  }
  return h.hex();
}

}  // namespace acv
