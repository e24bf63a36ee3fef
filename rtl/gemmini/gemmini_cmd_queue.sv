// A unit's command queue (reservation station): an acv_slot_fifo of commands with their dependency
// records, all visible, so the tracker can check a head against every older command still queued
// and a unit can read the commands behind its head (the load unit's mvins in flight).
module gemmini_cmd_queue import gemmini_pkg::*; #(
  parameter int unsigned Width = 8,  // payload bits
  parameter int unsigned Depth = 4
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic             push_i,   // never while full (asserted)
  input  logic [Width-1:0] wdata_i,
  input  dep_t             wdep_i,
  input  logic             pop_i,    // never while empty (asserted)
  output logic [Width-1:0] head_o,   // valid while !empty_o
  output dep_t             head_dep_o,
  output logic             empty_o,
  output logic             full_o,
  output dep_t             dep_o [Depth],
  output logic [Width-1:0] data_o [Depth],  // the commands by slot (slot order: acv_slot_fifo)
  output logic [Depth-1:0] valid_o
);
  localparam int unsigned EntryW = Width + $bits(dep_t);
  localparam int unsigned Aw = (Depth > 1) ? $clog2(Depth) : 1;

  logic [EntryW-1:0] head, slots [Depth];
  /* verilator lint_off UNUSEDSIGNAL */  // the head's slot number: the units count their own
  logic [Aw-1:0] head_ptr;
  /* verilator lint_on UNUSEDSIGNAL */

  acv_slot_fifo #(.Width(EntryW), .Depth(Depth)) u_fifo (
    .clk_i     (clk_i),
    .rst_ni    (rst_ni),
    .push_i    (push_i),
    .wdata_i   ({wdep_i, wdata_i}),
    .pop_i     (pop_i),
    .head_o    (head),
    .head_ptr_o(head_ptr),
    .empty_o   (empty_o),
    .full_o    (full_o),
    .slots_o   (slots),
    .valid_o   (valid_o)
  );

  assign head_o     = head[Width-1:0];
  assign head_dep_o = dep_t'(head[EntryW-1:Width]);
  for (genvar i = 0; i < Depth; i++) begin : g_slot
    assign data_o[i] = slots[i][Width-1:0];
    assign dep_o[i]  = dep_t'(slots[i][EntryW-1:Width]);
  end
endmodule
