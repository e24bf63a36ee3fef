// Synchronous FIFO with registered storage; the head is readable combinationally while not empty.
// The slot FIFO with its slots left unread (one implementation, its assertions included).
module acv_fifo #(
  parameter int unsigned Width = 8,
  parameter int unsigned Depth = 4
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic             push_i,   // never while full (asserted)
  input  logic [Width-1:0] wdata_i,
  input  logic             pop_i,    // never while empty (asserted)
  output logic [Width-1:0] rdata_o,  // head entry, valid while !empty_o
  output logic             empty_o,
  output logic             full_o
);
  localparam int unsigned Aw = (Depth > 1) ? $clog2(Depth) : 1;
  /* verilator lint_off UNUSEDSIGNAL */  // a plain FIFO reads only its head
  logic [Aw-1:0]    head_ptr;
  logic [Width-1:0] slots [Depth];
  logic [Depth-1:0] valid;
  /* verilator lint_on UNUSEDSIGNAL */

  acv_slot_fifo #(.Width(Width), .Depth(Depth)) u_fifo (
    .clk_i     (clk_i),
    .rst_ni    (rst_ni),
    .push_i    (push_i),
    .wdata_i   (wdata_i),
    .pop_i     (pop_i),
    .head_o    (rdata_o),
    .head_ptr_o(head_ptr),
    .empty_o   (empty_o),
    .full_o    (full_o),
    .slots_o   (slots),
    .valid_o   (valid)
  );
endmodule
