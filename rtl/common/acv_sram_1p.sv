// Single-port SRAM with a registered read: one access per cycle, write or read. Read data of
// cycle t is on rdata_o from cycle t+1 and held until the next read.
module acv_sram_1p #(
  parameter int unsigned Width = 8,
  parameter int unsigned Depth = 256,
  localparam int unsigned Aw = (Depth > 1) ? $clog2(Depth) : 1
) (
  input  logic             clk_i,
  input  logic             req_i,
  input  logic             we_i,
  input  logic [Aw-1:0]    addr_i,
  input  logic [Width-1:0] wdata_i,
  output logic [Width-1:0] rdata_o
);
  logic [Width-1:0] mem_q [Depth];
  logic [Width-1:0] rdata_q;

  always_ff @(posedge clk_i) begin
    if (req_i && we_i) mem_q[addr_i] <= wdata_i;
    if (req_i && !we_i) rdata_q <= mem_q[addr_i];
  end

  assign rdata_o = rdata_q;

  // Invariant (checked when Verilated with --assert): the address names an entry (Depth need
  // not be a power of two).
  AddrInRange: assert property (@(posedge clk_i) req_i |-> 32'(addr_i) < Depth)
    else $error("address %0d outside %0d entries", addr_i, Depth);
endmodule
