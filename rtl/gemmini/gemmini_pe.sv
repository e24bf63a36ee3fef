// One processing element: int8 x int8 multiply, int32 accumulate, registered outputs.
// WS: two weight registers (double-buffered, selected by the wsel bit that travels with the
// row), partial sum from above plus a * w goes down. OS: the register is the stationary
// accumulator, a (from the left) and b (from above) pass through.
// The datapath registers have no reset (every value the mesh produces is qualified by the
// execute unit) and move only while en_i is set: the execute unit holds the mesh still once
// every row has left it. The MAC sits inside the always_ff so that a simulator skips it too.
module gemmini_pe (
  input  logic        clk_i,
  input  logic        en_i,        // mesh enable: operands move, accumulators update
  input  logic        ws_i,        // 1: weight-stationary
  input  logic        clear_i,     // OS: zero the accumulator (with en_i)
  input  logic [1:0]  w_we_i,      // WS: write weight register 0 / 1 with w_i
  input  logic [7:0]  w_i,
  input  logic [7:0]  a_i,
  input  logic        wsel_i,
  input  logic [7:0]  b_i,
  input  logic [31:0] psum_i,
  output logic [7:0]  a_o,
  output logic        wsel_o,
  output logic [7:0]  b_o,
  output logic [31:0] acc_o        // OS: accumulator; WS: partial sum for the PE below
);
  logic [7:0]  a_q, b_q;
  logic        wsel_q;
  logic [7:0]  w_q [2];
  logic [31:0] acc_q;

  always_ff @(posedge clk_i) begin
    if (en_i) begin
      a_q    <= a_i;
      b_q    <= b_i;
      wsel_q <= wsel_i;
      if (ws_i) begin
        acc_q <= psum_i + 32'($signed(a_i) * $signed(w_q[wsel_i]));
      end else begin
        acc_q <= (clear_i ? 32'd0 : acc_q) + 32'($signed(a_i) * $signed(b_i));
      end
    end
    if (w_we_i[0]) w_q[0] <= w_i;
    if (w_we_i[1]) w_q[1] <= w_i;
  end

  assign a_o    = a_q;
  assign wsel_o = wsel_q;
  assign b_o    = b_q;
  assign acc_o  = acc_q;
endmodule
