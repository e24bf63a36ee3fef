// Dual-port SRAM with one read port and WritePorts write ports (default 1: a simple dual-port
// SRAM) and a registered read: data read at cycle t is on rdata_o from cycle t+1 and held until the
// next read. Reading an entry written in the same cycle returns the old contents. Several write
// ports serve a unit that writes several rows per cycle (Gemmini's multi-block mvin); they must
// name distinct rows, and the highest-numbered port wins if they do not.
module acv_sram_1r1w #(
  parameter int unsigned Width      = 8,
  parameter int unsigned Depth      = 256,
  parameter int unsigned WritePorts = 1,
  localparam int unsigned Aw = (Depth > 1) ? $clog2(Depth) : 1
) (
  input  logic                                 clk_i,
  input  logic [WritePorts-1:0]                we_i,
  input  logic [WritePorts-1:0][Aw-1:0]        waddr_i,
  input  logic [WritePorts-1:0][Width-1:0]     wdata_i,
  input  logic                                 re_i,
  input  logic [Aw-1:0]                        raddr_i,
  output logic [Width-1:0]                     rdata_o
);
  logic [Width-1:0] mem_q [Depth];
  logic [Width-1:0] rdata_q;

  always_ff @(posedge clk_i) begin
    for (int p = 0; p < int'(WritePorts); p++)
      if (we_i[p]) mem_q[waddr_i[p]] <= wdata_i[p];
    if (re_i) rdata_q <= mem_q[raddr_i];
  end

  assign rdata_o = rdata_q;

  // Invariants (checked when Verilated with --assert): addresses name an entry (Depth need not
  // be a power of two).
  for (genvar p = 0; p < WritePorts; p++) begin : g_write_check
    WriteAddrInRange: assert property (@(posedge clk_i) we_i[p] |-> 32'(waddr_i[p]) < Depth)
      else $error("write address %0d outside %0d entries", waddr_i[p], Depth);
  end
  ReadAddrInRange: assert property (@(posedge clk_i) re_i |-> 32'(raddr_i) < Depth)
    else $error("read address %0d outside %0d entries", raddr_i, Depth);
endmodule
