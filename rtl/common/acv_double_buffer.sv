// A double-buffered on-chip buffer: two halves, each an acv_sram_1r1w, one write port and two
// read ports. The read ports may address different halves in the same cycle, never the same one
// (the users' full-flag discipline keeps them apart; asserted).
module acv_double_buffer #(
  parameter int unsigned Width = 8,
  parameter int unsigned Depth = 256,
  localparam int unsigned Aw = (Depth > 1) ? $clog2(Depth) : 1
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic             we_i,
  input  logic             whalf_i,
  input  logic [Aw-1:0]    waddr_i,
  input  logic [Width-1:0] wdata_i,
  input  logic             re_a_i,
  input  logic             rhalf_a_i,
  input  logic [Aw-1:0]    raddr_a_i,
  output logic [Width-1:0] rdata_a_o,
  input  logic             re_b_i,
  input  logic             rhalf_b_i,
  input  logic [Aw-1:0]    raddr_b_i,
  output logic [Width-1:0] rdata_b_o
);
  logic [Width-1:0] half_rdata [2];
  logic rhalf_a_q, rhalf_b_q;

  for (genvar h = 0; h < 2; h++) begin : g_half
    logic use_b;
    assign use_b = re_b_i && (rhalf_b_i == h[0]);
    acv_sram_1r1w #(
      .Width(Width),
      .Depth(Depth)
    ) u_sram (
      .clk_i  (clk_i),
      .we_i   (we_i && (whalf_i == h[0])),
      .waddr_i(waddr_i),
      .wdata_i(wdata_i),
      .re_i   (use_b || (re_a_i && (rhalf_a_i == h[0]))),
      .raddr_i(use_b ? raddr_b_i : raddr_a_i),
      .rdata_o(half_rdata[h])
    );
  end

  // Remember which half each port read, so rdata follows the port, not the current request.
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      rhalf_a_q <= 1'b0;
      rhalf_b_q <= 1'b0;
    end else begin
      if (re_a_i) rhalf_a_q <= rhalf_a_i;
      if (re_b_i) rhalf_b_q <= rhalf_b_i;
    end
  end

  assign rdata_a_o = half_rdata[rhalf_a_q];
  assign rdata_b_o = half_rdata[rhalf_b_q];

  // Invariant (checked when Verilated with --assert): one reader per half and cycle.
  OneReaderPerHalf: assert property (@(posedge clk_i) disable iff (!rst_ni)
      re_a_i && re_b_i |-> rhalf_a_i != rhalf_b_i)
    else $error("both read ports address half %0d", rhalf_a_i);
endmodule
