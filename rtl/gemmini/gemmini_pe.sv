// One processing element: int8 x int8 multiply, int32 accumulate, registered outputs.
// WS: two weight registers (double-buffered, selected by the wsel bit that travels with the
// row), partial sum from above plus a * w goes down. OS: the register is the stationary
// accumulator, a (from the left) and b (from above) pass through.
module gemmini_pe (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic        ws_i,        // 1: weight-stationary
  input  logic        clear_i,     // OS: zero the accumulator
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
  logic [31:0] acc_q, acc_d;
  logic signed [15:0] product;
  logic [7:0] w_sel;

  assign w_sel   = w_q[wsel_i];
  assign product = $signed(a_i) * $signed(ws_i ? w_sel : b_i);

  always_comb begin
    if (ws_i) begin
      acc_d = psum_i + {{16{product[15]}}, product};
    end else begin
      acc_d = (clear_i ? 32'd0 : acc_q) + {{16{product[15]}}, product};
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      a_q    <= '0;
      b_q    <= '0;
      wsel_q <= 1'b0;
      acc_q  <= '0;
      w_q[0] <= '0;
      w_q[1] <= '0;
    end else begin
      a_q    <= a_i;
      b_q    <= b_i;
      wsel_q <= wsel_i;
      acc_q  <= acc_d;
      if (w_we_i[0]) w_q[0] <= w_i;
      if (w_we_i[1]) w_q[1] <= w_i;
    end
  end

  assign a_o    = a_q;
  assign wsel_o = wsel_q;
  assign b_o    = b_q;
  assign acc_o  = acc_q;
endmodule
