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
  // OS: the last row of a compute with an output, presented at T, copies the PE sums into the
  // output registers; they are read until T + 2*DIM - 1, so the next such last row is read from
  // T + DIM - 1 on (presented from T + DIM).
  int64_t os_out_free_after() const { return dim - 1; }

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
  // OS: streamed as WS (A and B row t read at s + t), except that the last row of a compute with
  // an output is read no earlier than `out_free` (os_out_free_after the previous one's
  // presentation); the record retires with the last PE row's write, 2*DIM - 1 after the last row.
  Compute os_stream(int64_t s, int64_t rows, int64_t c_rows, int64_t out_free) const {
    Compute c = ws_stream(s, rows);
    if (c_rows > 0 && c.last_present - 1 < out_free) {
      c.last_present = out_free + 1;
      c.idle = c.last_present;
      c.retire = c.last_present + ws_output_latency();
    }
    return c;
  }
};

}  // namespace acv::gemmini
