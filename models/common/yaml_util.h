// Reading YAML with errors that name file, line and field; used by every YAML input of acv.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <string>
#include <vector>

#include "error.h"

namespace acv {

// A YAML node together with the file it came from and the path of keys that led to it.
class YamlNode {
 public:
  YamlNode(YAML::Node node, std::string file, std::string path);

  // Contract: throws InputError("file:line: path: cannot read ...") for missing or
  // unparsable files and YAML syntax errors.
  static YamlNode load_file(const std::string& file);
  static YamlNode load_string(const std::string& text, const std::string& name);

  bool has(const std::string& key) const;
  YamlNode operator[](const std::string& key) const;  // throws when the key is missing
  YamlNode at(std::size_t i) const;
  std::size_t size() const;
  bool is_map() const;
  bool is_sequence() const;
  bool is_scalar() const;
  std::vector<std::string> keys() const;

  int64_t as_int() const;           // throws unless an integer
  int64_t as_positive_int() const;  // throws unless > 0
  double as_double() const;
  bool as_bool() const;
  std::string as_string() const;

  int64_t get_int(const std::string& key, int64_t default_value) const;
  std::string get_string(const std::string& key, const std::string& default_value) const;

  // Throws naming the first key of this map that is not in `allowed` (and listing them).
  void check_keys(const std::vector<std::string>& allowed) const;
  void require_map() const;
  void require_sequence() const;

  SourceLoc loc() const;  // 1-based line of this node
  SourceLoc loc_of(const std::string& key) const;
  [[noreturn]] void fail(const std::string& reason) const;
  const std::string& file() const { return file_; }
  const std::string& path() const { return path_; }
  const YAML::Node& raw() const { return node_; }

 private:
  YAML::Node node_;
  std::string file_;
  std::string path_;
};

}  // namespace acv
