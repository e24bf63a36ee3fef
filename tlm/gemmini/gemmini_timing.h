// Per-command timing of the Gemmini-like accelerator's TLM model, in cycles (rtl/gemmini/README.md).
#pragma once

#include <cstdint>

namespace acv::gemmini {

// What the TLM model annotates: per-command delays and the execute unit's schedule, taken from
// the RTL's documented timing (rtl/gemmini/README.md, gemmini_execute.sv, gemmini_load.sv,
// gemmini_store.sv). Convention: a command that is done in cycle e frees its queue slot and its
// dependency record from cycle e + 1 (its "release"), and its unit can start the next one then.
struct Timing {
  int64_t dim = 0;

  int64_t decode = 1;         // the decoder takes one command per cycle...
  int64_t queue_to_unit = 1;  // ...and a pushed command can start the cycle after
  int64_t load_first_request = 1;   // mvin: first row request the cycle after the start
  int64_t store_first_request = 3;  // mvout: read row 0, capture it, then request it
  int64_t store_row_gap = 2;        // mvout: next row requested 2 cycles after an accept
  int64_t ex_queue_pop = 1;         // an execute-queue slot frees the cycle after its compute starts

  // Cycles from a mesh row's entry until the mesh may be reloaded: mesh_busy is set to 2*DIM and
  // counts down from the next cycle.
  int64_t mesh_free_after() const { return 2 * dim + 1; }
  // WS: an A row presented at cycle p is written to the accumulator at p + 2*DIM - 1.
  int64_t ws_output_latency() const { return 2 * dim - 1; }
  // OS: after the last row, 2*DIM - 2 cycles until it reached PE (DIM-1, DIM-1).
  int64_t os_drain_wait() const { return 2 * dim - 2; }

  // WS weight loader: a compute_preloaded popped at cycle s writes mesh row k at s + k + 1 and
  // may stream from s + 1 (its row reaches mesh row k after that row's weights); the loader
  // takes the next one from s + DIM.
  int64_t ws_stream_after_pop() const { return 1; }
  int64_t ws_weight_load() const { return dim; }
  // A weight bank may be rewritten (bank_busy 0) from this many cycles after the last row using
  // it entered the mesh (bank_busy set to DIM - 3, counting down from the next cycle).
  int64_t bank_free_after() const { return (dim > 3 ? dim - 3 : 0) + 1; }

  // The execute unit's schedule of one compute that starts at cycle `s`.
  struct Compute {
    int64_t first_present = 0;  // cycle the first A row enters the mesh
    int64_t last_present = 0;   // cycle the last A row enters the mesh
    int64_t idle = 0;           // first cycle the unit can start the next compute
    int64_t retire = 0;         // cycle of its last accumulator write (record popped)
  };
  // WS: A rows streamed from cycle s: row t read at s + t and in the mesh at s + t + 1; the
  // streamer can start the next compute at s + rows (idle).
  Compute ws_stream(int64_t s, int64_t rows) const {
    Compute c;
    c.first_present = s + 1;
    c.last_present = s + rows;
    c.idle = s + rows;
    c.retire = c.last_present + ws_output_latency();
    return c;
  }
  // OS: the state machine from its start at cycle s: rows + 1 cycles reading B, rows + 1
  // streaming (rows presented from the second), then with C the drain.
  Compute os_compute(int64_t s, int64_t rows, int64_t c_rows) const {
    Compute c;
    const int64_t stream = s + 1 + rows + 1;
    c.first_present = stream + 1;
    c.last_present = stream + rows;
    if (c_rows == 0) {
      c.idle = c.last_present + 1;
      c.retire = c.last_present;
    } else {
      c.retire = c.last_present + os_drain_wait() + c_rows;
      c.idle = c.retire + 1;
    }
    return c;
  }
};

}  // namespace acv::gemmini
