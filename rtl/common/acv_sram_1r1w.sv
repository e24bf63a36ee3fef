// Simple dual-port SRAM (one write, one read port) with a registered read: data read at cycle t
// is on rdata_o from cycle t+1 and held until the next read. Reading an entry written in the same
// cycle returns the old contents.
module acv_sram_1r1w #(
  parameter int unsigned Width = 8,
  parameter int unsigned Depth = 256,
  localparam int unsigned Aw = (Depth > 1) ? $clog2(Depth) : 1
) (
  input  logic             clk_i,
  input  logic             we_i,
  input  logic [Aw-1:0]    waddr_i,
  input  logic [Width-1:0] wdata_i,
  input  logic             re_i,
  input  logic [Aw-1:0]    raddr_i,
  output logic [Width-1:0] rdata_o
);
  logic [Width-1:0] mem_q [Depth];
  logic [Width-1:0] rdata_q;

  always_ff @(posedge clk_i) begin
    if (we_i) mem_q[waddr_i] <= wdata_i;
    if (re_i) rdata_q <= mem_q[raddr_i];
  end

  assign rdata_o = rdata_q;

  // Invariants (checked when Verilated with --assert): addresses name an entry (Depth need not
  // be a power of two).
  WriteAddrInRange: assert property (@(posedge clk_i) we_i |-> 32'(waddr_i) < Depth)
    else $error("write address %0d outside %0d entries", waddr_i, Depth);
  ReadAddrInRange: assert property (@(posedge clk_i) re_i |-> 32'(raddr_i) < Depth)
    else $error("read address %0d outside %0d entries", raddr_i, Depth);
endmodule
