// One scratchpad bank: acv_sram_1r1w with Lanes write ports (distinct rows per cycle), registered read.
module gemmini_spad_bank #(
  parameter int unsigned Width = 8,
  parameter int unsigned Depth = 256,
  parameter int unsigned Lanes = 1,
  localparam int unsigned Aw = (Depth > 1) ? $clog2(Depth) : 1
) (
  input  logic             clk_i,
  input  logic [Lanes-1:0] we_i,
  input  logic [Aw-1:0]    waddr_i [Lanes],
  input  logic [Width-1:0] wdata_i [Lanes],
  input  logic             re_i,
  input  logic [Aw-1:0]    raddr_i,
  output logic [Width-1:0] rdata_o
);
  logic [Width-1:0] mem_q [Depth];
  logic [Width-1:0] rdata_q;

  always_ff @(posedge clk_i) begin
    for (int l = 0; l < Lanes; l++)
      if (we_i[l]) mem_q[waddr_i[l]] <= wdata_i[l];
    if (re_i) rdata_q <= mem_q[raddr_i];
  end

  assign rdata_o = rdata_q;

  always_ff @(posedge clk_i) begin
    for (int l = 0; l < Lanes; l++)
      if (we_i[l] && 32'(waddr_i[l]) >= Depth) $error("write address %0d outside %0d entries", waddr_i[l], Depth);
  end
  ReadAddrInRange: assert property (@(posedge clk_i) re_i |-> 32'(raddr_i) < Depth)
    else $error("read address %0d outside %0d entries", raddr_i, Depth);
endmodule
