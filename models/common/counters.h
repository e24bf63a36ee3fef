// One taxonomy of the counters every view reports, so reports read them by kind, not by guess.
#pragma once

#include <string>
#include <string_view>

namespace acv::counters {

// "<unit>.busy": cycles the unit works; "<unit>.stall.<cause>": cycles it waits, by cause.
// Any other name ("dram.reads", "mesh.rows", "instructions") counts events or bytes.
// The RTL and the TLM model of an accelerator use the same names for the same quantity.
enum class Kind { Busy, Stall, Event };

struct Name {
  Kind kind = Kind::Event;
  std::string unit;   // empty for an event counter without a unit
  std::string cause;  // stalls only
};

std::string busy(std::string_view unit);
std::string stall(std::string_view unit, std::string_view cause);
std::string event(std::string_view unit, std::string_view what);

// Contract: the inverse of busy() / stall(); anything else is an Event (its unit is the text
// before the first '.', if any).
Name parse(const std::string& name);

// "load busy", "exe stall: dependency": a column label for reports.
std::string label(const std::string& name);

}  // namespace acv::counters
