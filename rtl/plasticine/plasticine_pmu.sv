// Pattern memory unit: Lanes banks of int8 entries (an entry is one byte per bank, so a vector
// of Lanes bytes per read), two halves for double buffering. The write port takes a DRAM burst:
// WriteEntries consecutive entries with a byte mask. Two registered read ports (the A and B
// operand streams), addressed by the lock-step address generator.
module plasticine_pmu #(
  parameter int unsigned Lanes        = 16,
  parameter int unsigned BankDepth    = 4096,  // entries per bank, both halves
  parameter int unsigned WriteEntries = 4,     // burst bytes / Lanes
  localparam int unsigned HalfAw      = $clog2(BankDepth / 2),
  localparam int unsigned VecWidth    = Lanes * 8
) (
  input  logic                             clk_i,
  input  logic                             we_i,
  input  logic                             whalf_i,
  input  logic [HalfAw-1:0]                wentry_i,  // first of WriteEntries entries
  input  logic [WriteEntries*VecWidth-1:0] wdata_i,
  input  logic [WriteEntries*Lanes-1:0]    wmask_i,   // one bit per byte
  input  logic                             re_i,
  input  logic                             rhalf_i,
  input  logic [HalfAw-1:0]                raddr_a_i,
  input  logic [HalfAw-1:0]                raddr_b_i,
  output logic [VecWidth-1:0]              rdata_a_o,  // the cycle after re_i
  output logic [VecWidth-1:0]              rdata_b_o
);
  localparam int unsigned Depth = BankDepth;

  logic [VecWidth-1:0] mem_q [Depth];
  logic [VecWidth-1:0] rdata_a_q, rdata_b_q;

  // Storage is not reset: the compute masks lanes beyond K, and entries are read only after a
  // load wrote them.
  always_ff @(posedge clk_i) begin
    if (we_i) begin
      for (int e = 0; e < WriteEntries; e++) begin
        for (int l = 0; l < Lanes; l++) begin
          if (wmask_i[e*Lanes + l]) begin
            mem_q[{whalf_i, wentry_i + HalfAw'(e)}][l*8 +: 8] <= wdata_i[(e*Lanes + l)*8 +: 8];
          end
        end
      end
    end
    if (re_i) begin
      rdata_a_q <= mem_q[{rhalf_i, raddr_a_i}];
      rdata_b_q <= mem_q[{rhalf_i, raddr_b_i}];
    end
  end

  assign rdata_a_o = rdata_a_q;
  assign rdata_b_o = rdata_b_q;
endmodule
