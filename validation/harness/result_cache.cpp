// Cache keys from source content, and the on-disk store.
#include "validation/harness/result_cache.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "models/common/accel_config.h"
#include "models/common/error.h"
#include "validation/harness/content_hash.h"

namespace fs = std::filesystem;

namespace acv {

namespace {

// Bump when the meaning of cached results changes in a way the hashed inputs do not show.
// 2: entries start with a checksum line.
constexpr const char* kCacheVersion = "acv-result-cache-2";
constexpr const char* kEntryTag = "acv-result-cache sha256:";

bool read_file(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::stringstream s;
  s << in.rdbuf();
  *out = s.str();
  return true;
}

bool hashed_source(const fs::path& p) {
  const std::string ext = p.extension().string();
  return ext != ".md" && p.filename().string()[0] != '.';
}

}  // namespace

CacheKeyer::CacheKeyer(std::string repo_root) : repo_(std::move(repo_root)) {}

std::string CacheKeyer::file_hash(const std::string& path) {
  const std::string memo_key = "file:" + path;
  const auto it = memo_.find(memo_key);
  if (it != memo_.end()) return it->second;
  std::string text;
  const std::string h = read_file(path, &text) ? sha256_hex(text) : "missing";
  memo_[memo_key] = h;
  return h;
}

std::string CacheKeyer::tree_hash(const std::string& dir, bool recursive) {
  const std::string memo_key = std::string(recursive ? "tree:" : "dir:") + dir;
  const auto it = memo_.find(memo_key);
  if (it != memo_.end()) return it->second;
  std::vector<std::string> files;
  std::error_code ec;
  if (fs::is_directory(dir, ec)) {
    if (recursive) {
      for (const auto& e : fs::recursive_directory_iterator(dir, ec))
        if (e.is_regular_file() && hashed_source(e.path())) files.push_back(fs::relative(e.path(), dir).string());
    } else {
      for (const auto& e : fs::directory_iterator(dir, ec)) {
        const std::string ext = e.path().extension().string();
        if (e.is_regular_file() && (ext == ".cpp" || ext == ".h")) files.push_back(e.path().filename().string());
      }
    }
  }
  std::sort(files.begin(), files.end());
  ContentHasher h;
  h.field(std::to_string(files.size()));
  for (const auto& f : files) {
    std::string text;
    read_file(dir + "/" + f, &text);
    h.field(f).field(text);
  }
  const std::string out = files.empty() ? "absent" : h.hex();
  memo_[memo_key] = out;
  return out;
}

std::string CacheKeyer::key(const Case& c) {
  std::string config_text;
  if (!read_file(c.config_file, &config_text))
    throw InputError(SourceLoc{c.config_file, 0, ""}, "cannot read config file");
  const std::string& accel = c.accelerator;
  ContentHasher h;
  h.field(kCacheVersion);
  h.field("accelerator").field(accel);
  h.field("config").field(config_text);
  h.field("layer").field(c.layer_shape);
  // The stored result names its layer, and a case only takes a result of its own layer's name:
  // two layers of one shape sharing an entry would evict each other on every campaign.
  h.field("layer-name").field(c.layer);
  h.field("backend").field(c.view.backend);
  h.field("options").field(c.view.options_key());
  h.field("mapper").field(tree_hash(repo_ + "/models/" + accel, false));
  // The shared core (Program IR, operand data, golden reference) decides every result too.
  h.field("core").field(tree_hash(repo_ + "/models/common", false));
  h.field("backends").field(tree_hash(repo_ + "/validation/backends", true));
  if (c.view.backend == "rtl") {
    h.field("rtl").field(tree_hash(repo_ + "/rtl/" + accel, true));
    h.field("rtl-common").field(tree_hash(repo_ + "/rtl/common", true));
  } else if (c.view.backend == "tlm") {
    h.field("tlm").field(tree_hash(repo_ + "/tlm/" + accel, true));
    h.field("tlm-common").field(tree_hash(repo_ + "/tlm/common", true));
  } else {
    h.field("estimator").field(tree_hash(repo_ + "/estimator", true));
    const AccelConfig cfg = load_accel_config(c.config_file);
    h.field("description").field(cfg.description.empty() ? "none" : file_hash(cfg.description));
    if (c.view.backend == "regression")
      h.field("regression-model").field(cfg.regression_model.empty() ? "none" : file_hash(cfg.regression_model));
  }
  return h.hex();
}

ResultCache::ResultCache(std::string dir) : dir_(std::move(dir)) {}

std::string ResultCache::path_of(const std::string& key) const { return dir_ + "/" + key.substr(0, 2) + "/" + key + ".json"; }

std::optional<std::string> ResultCache::load(const std::string& key, std::string* rejected) const {
  std::string text;
  if (!read_file(path_of(key), &text) || text.empty()) return std::nullopt;
  const std::string tag(kEntryTag);
  const auto eol = text.find('\n');
  const auto reject = [&](const std::string& why) -> std::optional<std::string> {
    if (rejected) *rejected = why;
    return std::nullopt;
  };
  if (text.compare(0, tag.size(), tag) != 0 || eol == std::string::npos) return reject("no checksum line");
  std::string json_text = text.substr(eol + 1);
  if (text.substr(tag.size(), eol - tag.size()) != sha256_hex(json_text))
    return reject("its checksum does not match its content (edited by hand?)");
  return json_text;
}

void ResultCache::store(const std::string& key, const std::string& json_text) const {
  const std::string path = path_of(key);
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  const std::string tmp = path + ".tmp." + std::to_string(getpid());
  {
    std::ofstream out(tmp, std::ios::binary);
    if (!out) return;  // a read-only cache only costs speed
    out << kEntryTag << sha256_hex(json_text) << "\n" << json_text;
  }
  fs::rename(tmp, path, ec);
  if (ec) fs::remove(tmp, ec);
}

std::string default_cache_dir(const std::string& repo_root) {
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  if (xdg && *xdg) return std::string(xdg) + "/acv";
  return (repo_root.empty() ? std::string(".") : repo_root) + "/build/cache";
}

std::string find_repo_root(const std::string& start) {
  std::error_code ec;
  fs::path p = fs::absolute(start, ec);
  if (!fs::is_directory(p, ec)) p = p.parent_path();
  for (; !p.empty(); p = p.parent_path()) {
    if (fs::is_directory(p / "models", ec) && fs::is_directory(p / "rtl", ec)) return p.string();
    if (p == p.root_path()) break;
  }
  return "";
}

}  // namespace acv
