// Name -> factory registries filled at static initialisation; one template serves accelerators,
// backends, RTL drivers and TLM runners. Interface::kRegistryNoun names the kind in errors.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "error.h"

namespace acv {

template <class Interface>
class Registry {
 public:
  using Factory = std::function<std::unique_ptr<Interface>()>;

  static bool add(const std::string& name, Factory factory) {
    table()[name] = std::move(factory);
    return true;
  }

  // Throws InputError naming the unknown name and listing the registered ones.
  static std::unique_ptr<Interface> create(const std::string& name) {
    const auto it = table().find(name);
    if (it == table().end()) {
      std::string list;
      for (const auto& n : names()) list += (list.empty() ? "" : ", ") + n;
      throw InputError(std::string("unknown ") + Interface::kRegistryNoun + " '" + name +
                       "' (available: " + (list.empty() ? "none built" : list) + ")");
    }
    return it->second();
  }

  static std::vector<std::string> names() {
    std::vector<std::string> out;
    for (const auto& kv : table()) out.push_back(kv.first);
    return out;
  }

 private:
  static std::map<std::string, Factory>& table() {
    static std::map<std::string, Factory> entries;
    return entries;
  }
};

// Registers Class (default-constructible, derived from Interface) under name_literal.
// Use it in the namespace that declares Class, after the class.
#define ACV_REGISTER(Interface, Class, name_literal)                                         \
  namespace {                                                                                \
  const bool registered_##Class = ::acv::Registry<Interface>::add(                           \
      name_literal, [] { return std::unique_ptr<Interface>(new Class()); });                 \
  }

}  // namespace acv
