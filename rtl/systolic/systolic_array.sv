// Rows x Cols grid of int8 PEs with int32 registers. Operands enter already skewed: a on the
// left edge (row i), b on the top edge (column j); partial sums enter the top row as zero.
// PE (i, j) each cycle (see systolic_pkg::pe_product):
//   a_q <= a_in;  b_q <= b_in;                 operands pass right / down
//   OS: acc_q <= (clear ? 0 : acc_q) + a_in * b_in   (acc_q is the stationary accumulator)
//   WS: acc_q <= psum_in + a_in * w_q                 (acc_q is the partial sum passed down)
//   w_q <= w_i[j] when w_load_i[i] (WS weight preload, one row per cycle)
// row_o returns the registers of one row: OS drain (any row) or WS column sums (row Rows-1).
//
// The PEs are the elements of 2-D register arrays rather than Rows*Cols module instances, and
// their next state is written in the always_ff: Verilator then emits one tight loop-like block
// over contiguous arrays, with no per-instance port copies and no _d arrays (the simulation speed
// target of rtl/systolic/README.md depends on it).
module systolic_array import systolic_pkg::*; #(
  parameter int unsigned Rows = 4,
  parameter int unsigned Cols = 4,
  localparam int unsigned Rw = (Rows > 1) ? $clog2(Rows) : 1
) (
  input  logic               clk_i,
  input  logic               rst_ni,
  input  logic               ws_i,
  input  logic               clear_i,
  input  logic [Rows-1:0]    w_load_i,   // one-hot: the PE row that takes w_i
  input  logic [Cols*8-1:0]  w_i,
  input  logic [Rows*8-1:0]  a_i,
  input  logic [Cols*8-1:0]  b_i,
  input  logic [Rw-1:0]      row_sel_i,
  output logic [Cols*32-1:0] row_o
);
  logic [7:0]  a_q   [Rows][Cols];
  logic [7:0]  b_q   [Rows][Cols];
  logic [7:0]  w_q   [Rows][Cols];
  logic [31:0] acc_q [Rows][Cols];

  // Waiver (lowRISC style: always_ff holds only q <= d): the grid's next state is computed
  // here for simulation speed, see the header comment.
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      for (int i = 0; i < Rows; i++) begin
        for (int j = 0; j < Cols; j++) begin
          a_q[i][j]   <= '0;
          b_q[i][j]   <= '0;
          w_q[i][j]   <= '0;
          acc_q[i][j] <= '0;
        end
      end
    end else begin
      for (int i = 0; i < Rows; i++) begin
        for (int j = 0; j < Cols; j++) begin
          a_q[i][j] <= (j == 0) ? a_i[i*8 +: 8] : a_q[i][j-1];
          b_q[i][j] <= (i == 0) ? b_i[j*8 +: 8] : b_q[i-1][j];
          if (w_load_i[i]) w_q[i][j] <= w_i[j*8 +: 8];
          acc_q[i][j] <= (ws_i ? ((i == 0) ? 32'd0 : acc_q[i-1][j]) : (clear_i ? 32'd0 : acc_q[i][j])) +
                         pe_product((j == 0) ? a_i[i*8 +: 8] : a_q[i][j-1],
                                    ws_i ? w_q[i][j] : ((i == 0) ? b_i[j*8 +: 8] : b_q[i-1][j]));
        end
      end
    end
  end

  always_comb begin
    for (int j = 0; j < Cols; j++) row_o[j*32 +: 32] = acc_q[row_sel_i][j];
  end

  // The right column's a and the bottom row's b leave the array unread.
  logic unused_edges;
  assign unused_edges = ^{a_q[0][Cols-1], b_q[Rows-1][0]};
endmodule
