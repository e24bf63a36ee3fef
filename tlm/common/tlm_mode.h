// Parsing and naming of TlmMode (loosely / approximately timed), shared by runners, backend and host.
#pragma once

#include <string>

#include "tlm_runner.h"

namespace acv {

inline const char* to_string(TlmMode mode) { return mode == TlmMode::LooselyTimed ? "lt" : "at"; }

// Throws InputError for anything but "lt" or "at".
inline TlmMode parse_tlm_mode(const std::string& text) {
  if (text == "lt") return TlmMode::LooselyTimed;
  if (text == "at") return TlmMode::ApproximatelyTimed;
  throw InputError("tlm-mode: '" + text + "' is not one of lt, at");
}

}  // namespace acv
