// What the machine under a benchmark is like, measured where it decides acv's timings: a fork of
// the process (the TLM backend forks a child per run) and the first write to a page (operands,
// memory images, a TLM child's model, the estimator's first memos). acv's fast views have run 2-4x
// apart on machines whose page faults cost differently (README), so acv bench prints them with its
// figures.
#pragma once

#include <string>

namespace acv {

struct MachineFacts {
  std::string cpu;             // /proc/cpuinfo's model name ("" where there is none)
  unsigned cores = 0;          // hardware threads the process may use
  double load[3] = {};         // load average over 1, 5, 15 minutes (-1 where unknown)
  double page_us = 0.0;        // one page's first write (a fresh anonymous page), microseconds
  double child_read_us = 0.0;  // a forked child's first read of a page its parent wrote, microseconds
  double fork_ms = 0.0;        // fork of this process and its child's exit, milliseconds
  double resident_mb = 0.0;    // this process's resident memory when forked
};

// Contract: measures the machine now (about 20 ms on a machine with dear page faults): page_us over
// 512 fresh pages, child_read_us over 512 pages read by a forked child, fork_ms as the median of 3
// forks of the calling process, each child exiting at once. Throws BackendError when the system
// refuses the memory, the pipe or the fork.
MachineFacts probe_machine();

// "machine: AMD EPYC, 2 cores, load 1.02 0.87 0.64; first write to a page 9.8 us, a forked child's
// first read of one 4.8 us, fork + exit 3.1 ms (28 MB resident)".
std::string machine_line(const MachineFacts& m);

}  // namespace acv
