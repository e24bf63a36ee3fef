#include "yaml_util.h"

#include "models/common/input_file.h"

#include <fstream>
#include <set>
#include <sstream>

namespace acv {

YamlNode::YamlNode(YAML::Node node, std::string file, std::string path)
    : node_(std::move(node)), file_(std::move(file)), path_(std::move(path)) {}

YamlNode YamlNode::load_file(const std::string& file) { return load_string(read_input_file(file), file); }

namespace {

// yaml-cpp keeps every pair of a mapping but looks keys up by the first: a repeated key would be
// silently ignored, so it is an error here.
void reject_duplicate_keys(const YAML::Node& node, const std::string& file, const std::string& path) {
  if (node.IsSequence()) {
    for (std::size_t i = 0; i < node.size(); ++i)
      reject_duplicate_keys(node[i], file, path + "[" + std::to_string(i) + "]");
  } else if (node.IsMap()) {
    std::set<std::string> seen;
    for (const auto& kv : node) {
      const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "";
      const std::string sub = path.empty() ? key : path + "." + key;
      if (kv.first.IsScalar() && !seen.insert(key).second)
        throw InputError(SourceLoc{file, kv.first.Mark().line + 1, sub}, "duplicate key (an earlier one has the same name)");
      reject_duplicate_keys(kv.second, file, sub);
    }
  }
}

}  // namespace

YamlNode YamlNode::load_string(const std::string& text, const std::string& name) {
  check_utf8(text, name);
  try {
    YAML::Node root = YAML::Load(text);
    if (!root || root.IsNull()) throw InputError(SourceLoc{name, 0, ""}, "file is empty");
    reject_duplicate_keys(root, name, "");
    return YamlNode(root, name, "");
  } catch (const YAML::Exception& e) {
    throw InputError(SourceLoc{name, e.mark.line + 1, ""}, "YAML syntax error: " + e.msg);
  }
}

SourceLoc YamlNode::loc() const {
  const int line = node_.Mark().line >= 0 ? node_.Mark().line + 1 : 0;
  return SourceLoc{file_, line, path_};
}

SourceLoc YamlNode::loc_of(const std::string& key) const {
  if (has(key)) return (*this)[key].loc();
  SourceLoc l = loc();
  l.field = path_.empty() ? key : path_ + "." + key;
  return l;
}

void YamlNode::fail(const std::string& reason) const { throw InputError(loc(), reason); }

bool YamlNode::is_map() const { return node_.IsMap(); }
bool YamlNode::is_sequence() const { return node_.IsSequence(); }
bool YamlNode::is_scalar() const { return node_.IsScalar(); }

void YamlNode::require_map() const {
  if (!node_.IsMap()) fail("expected a mapping of keys to values");
}
void YamlNode::require_sequence() const {
  if (!node_.IsSequence()) fail("expected a list");
}

bool YamlNode::has(const std::string& key) const {
  return node_.IsMap() && node_[key].IsDefined() && !node_[key].IsNull();
}

YamlNode YamlNode::operator[](const std::string& key) const {
  require_map();
  const std::string sub = path_.empty() ? key : path_ + "." + key;
  if (!has(key)) throw InputError(SourceLoc{file_, loc().line, sub}, "missing required field");
  return YamlNode(node_[key], file_, sub);
}

YamlNode YamlNode::at(std::size_t i) const {
  require_sequence();
  if (i >= node_.size()) fail("index " + std::to_string(i) + " out of range");
  return YamlNode(node_[i], file_, path_ + "[" + std::to_string(i) + "]");
}

std::size_t YamlNode::size() const { return node_.size(); }

std::vector<std::string> YamlNode::keys() const {
  require_map();
  std::vector<std::string> out;
  for (const auto& kv : node_) out.push_back(kv.first.as<std::string>());
  return out;
}

void YamlNode::check_keys(const std::vector<std::string>& allowed) const {
  require_map();
  for (const auto& kv : node_) {
    const std::string key = kv.first.as<std::string>();
    bool known = false;
    for (const auto& a : allowed) known = known || a == key;
    if (!known) {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      const int line = kv.first.Mark().line + 1;
      throw InputError(SourceLoc{file_, line, path_.empty() ? key : path_ + "." + key},
                       "unknown key (expected one of: " + list + ")");
    }
  }
}

int64_t YamlNode::as_int() const {
  if (!node_.IsScalar()) fail("expected an integer");
  const std::string s = node_.Scalar();
  try {
    std::size_t used = 0;
    const long long v = std::stoll(s, &used, 0);
    if (used != s.size()) fail("expected an integer, got '" + s + "'");
    return v;
  } catch (const std::logic_error&) {
    fail("expected an integer, got '" + s + "'");
  }
}

int64_t YamlNode::as_positive_int() const {
  const int64_t v = as_int();
  if (v <= 0) fail("must be positive, got " + std::to_string(v));
  return v;
}

double YamlNode::as_double() const {
  if (!node_.IsScalar()) fail("expected a number");
  const std::string s = node_.Scalar();
  try {
    std::size_t used = 0;
    const double v = std::stod(s, &used);
    if (used != s.size()) fail("expected a number, got '" + s + "'");
    return v;
  } catch (const std::logic_error&) {
    fail("expected a number, got '" + s + "'");
  }
}

bool YamlNode::as_bool() const {
  const std::string s = as_string();
  if (s == "true" || s == "yes" || s == "on") return true;
  if (s == "false" || s == "no" || s == "off") return false;
  fail("expected true or false, got '" + s + "'");
}

std::string YamlNode::as_string() const {
  if (!node_.IsScalar()) fail("expected a single value");
  return node_.Scalar();
}

int64_t YamlNode::get_int(const std::string& key, int64_t default_value) const {
  return has(key) ? (*this)[key].as_int() : default_value;
}

std::string YamlNode::get_string(const std::string& key, const std::string& default_value) const {
  return has(key) ? (*this)[key].as_string() : default_value;
}

}  // namespace acv
