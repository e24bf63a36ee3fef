// Counter names of the shared taxonomy (counters.h).
#include "models/common/counters.h"

namespace acv::counters {

std::string busy(std::string_view unit) { return std::string(unit) + ".busy"; }

std::string stall(std::string_view unit, std::string_view cause) {
  return std::string(unit) + ".stall." + std::string(cause);
}

std::string event(std::string_view unit, std::string_view what) { return std::string(unit) + "." + std::string(what); }

Name parse(const std::string& name) {
  Name n;
  const auto dot = name.find('.');
  if (dot == std::string::npos) return n;
  n.unit = name.substr(0, dot);
  const std::string rest = name.substr(dot + 1);
  static const std::string kStall = "stall.";
  if (rest == "busy" && !n.unit.empty()) {
    n.kind = Kind::Busy;
  } else if (rest.compare(0, kStall.size(), kStall) == 0 && rest.size() > kStall.size() && !n.unit.empty()) {
    n.kind = Kind::Stall;
    n.cause = rest.substr(kStall.size());
  }
  return n;
}

std::string label(const std::string& name) {
  const Name n = parse(name);
  switch (n.kind) {
    case Kind::Busy: return n.unit + " busy";
    case Kind::Stall: return n.unit + " stall: " + n.cause;
    case Kind::Event: break;
  }
  return name;
}

}  // namespace acv::counters
