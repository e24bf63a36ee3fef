// The machine facts acv bench prints: measured, positive, and written as one line.
#include <catch2/catch.hpp>
#include <regex>

#include "validation/harness/machine.h"

using namespace acv;

TEST_CASE(
    "probe_machine measures a page's first write, a forked child's first read and a fork of this process",
    "[machine]") {
  const MachineFacts m = probe_machine();
  CHECK(m.cores >= 1);
  CHECK(m.page_us > 0.0);
  CHECK(m.page_us < 1e5);  // 0.1 s for one page: the timer or the loop is broken
  CHECK(m.child_read_us > 0.0);
  CHECK(m.child_read_us < 1e5);
  CHECK(m.fork_ms > 0.0);
  CHECK(m.resident_mb > 0.0);
}

TEST_CASE("machine_line gives every fact, unknown ones named", "[machine]") {
  MachineFacts m;
  m.cpu = "Test CPU";
  m.cores = 2;
  m.load[0] = 1.5, m.load[1] = 0.25, m.load[2] = 0.0;
  m.page_us = 9.75;
  m.child_read_us = 4.84;
  m.fork_ms = 3.04;
  m.resident_mb = 27.6;
  CHECK(machine_line(m) ==
        "machine: Test CPU, 2 cores, load 1.50 0.25 0.00; first write to a page 9.8 us, a forked child's "
        "first read of one 4.8 us, fork + exit 3.0 ms (28 MB resident)");
  m.cpu.clear();
  m.cores = 1;
  m.load[0] = -1.0;
  CHECK(std::regex_search(machine_line(m), std::regex("^machine: cpu unknown, 1 core, load unknown; ")));
}
