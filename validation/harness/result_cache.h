// On-disk cache of RunResults, keyed by a content hash of every input that decides a result.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "validation/harness/suite.h"

namespace acv {

// Computes cache keys. The key of a case hashes: the accelerator's mapper sources
// (models/<accel>/*.cpp, *.h), the config file's content, the layer's shape and name, the view's
// backend and options, validation/backends/, and the sources of the backend itself:
//   rtl:   rtl/<accel>/** and rtl/common/** (SystemVerilog, driver, CMake parameters)
//   tlm:   tlm/<accel>/** and tlm/common/**
//   other: estimator/** and the config's architecture description file
// Source trees are hashed once per CacheKeyer and memoised.
class CacheKeyer {
 public:
  explicit CacheKeyer(std::string repo_root);
  // Contract: throws InputError when the config file cannot be read.
  std::string key(const Case& c);
  // The hash of a file's text ("missing" when unreadable), and of a folder's files by name and text
  // (not recursive: its .cpp and .h files only; "absent" when there are none); memoized.
  std::string file_hash(const std::string& path);
  std::string tree_hash(const std::string& dir, bool recursive);

 private:
  std::string repo_;
  std::map<std::string, std::string> memo_;
};

// Directory of entries named by key (DIR/ab/abcdef....json); writes are atomic renames,
// so concurrent campaigns sharing a cache never read half a file. An entry is one line
// "acv-result-cache sha256:<hex of the rest>" and then the RunResult JSON text as `acv run`
// wrote it: an entry edited by hand (or truncated, or bit-rotten) is never served.
class ResultCache {
 public:
  explicit ResultCache(std::string dir);
  // The cached RunResult JSON, or nothing when absent or rejected. Contract: when an entry
  // exists but its checksum line is missing or does not match its text, returns nothing and
  // sets *rejected (if given) to why; the caller runs the case again, which overwrites it.
  std::optional<std::string> load(const std::string& key, std::string* rejected = nullptr) const;
  void store(const std::string& key, const std::string& json_text) const;
  const std::string& dir() const { return dir_; }
  std::string path_of(const std::string& key) const;

 private:
  std::string dir_;
};

// $XDG_CACHE_HOME/acv when XDG_CACHE_HOME is set, else <repo_root>/build/cache.
std::string default_cache_dir(const std::string& repo_root);

// The nearest ancestor of `start` (a file or folder) holding models/ and rtl/; "" if none.
std::string find_repo_root(const std::string& start);

}  // namespace acv
