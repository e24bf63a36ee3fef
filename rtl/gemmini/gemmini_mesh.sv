// DIM x DIM mesh of processing elements: int8 x int8 multiply, int32 accumulate, a pipeline
// register between neighbours (a and the WS weight select move right, b and the WS partial sum
// move down), input skew (row k of A and column j of B delayed by k / j cycles) and output
// deskew, so a row presented at cycle t comes out whole at cycle t + 2*Dim - 1 (WS).
//   WS: PE (i, j) holds two weights (double-buffered, selected by the wsel bit travelling with
//       the row) and passes psum + a * w down.
//   OS: PE (i, j) accumulates a * b in place. Two control bits travel with a (kept, like the WS
//       weight select, in one shift register that PE (i, j) taps at stage i + j): `first` (the first
//       row of a compute_preloaded: start from a * b) and `last` (the last row of a compute with
//       an output: copy the new sum into the PE's output register). The output registers are read
//       a PE row at a time while the accumulators go on with the next compute (the drain overlaps
//       the stream).
// The PEs are written as register arrays in one always_ff rather than one module instance
// each: a simulator then updates the whole mesh in one block and skips it while en_i is low
// (instances cost about twice the simulation time through per-instance port copies).
// Datapath registers have no reset and move only while en_i is set; the execute unit holds
// the mesh once every row has left it (only zeros would move) and flushes it after reset.
module gemmini_mesh #(
  parameter int unsigned Dim = 4,
  localparam int unsigned Iw = (Dim > 1) ? $clog2(Dim) : 1
) (
  input  logic                 clk_i,
  input  logic                 en_i,          // operands move; hold while no row is in flight
  input  logic                 ws_i,
  // Operand rows, unskewed; zero when no row is presented.
  input  logic [Dim*8-1:0]     a_row_i,       // element k feeds mesh row k
  input  logic                 wsel_i,        // WS: weight register the row uses; OS: first
  input  logic                 last_i,        // OS: the row ends a compute with an output
  input  logic [Dim*8-1:0]     b_row_i,       // OS: element j feeds mesh column j
  // WS weight writes: one mesh row of one weight register per cycle.
  input  logic                 w_we_i,
  input  logic                 w_bank_i,
  input  logic [Iw-1:0]        w_row_idx_i,
  input  logic [Dim*8-1:0]     w_row_i,
  // Outputs.
  output logic [Dim*32-1:0]    out_row_o,     // WS: column sums, deskewed
  input  logic                 os_read_i,     // OS: os_row_o is needed this cycle
  input  logic [Iw-1:0]        os_row_sel_i,
  output logic [Dim*32-1:0]    os_row_o       // OS: output registers of PE row os_row_sel_i
);
  // PE (i, j) registers.
  logic [7:0]  a_q    [Dim][Dim];    // a, to PE (i, j+1)
  // The control bits of the row presented d + 1 cycles ago, which PE (i, j) with i + j = d + 1
  // sees now (they travel with a): one shift register instead of a register per PE.
  logic        wsel_sh_q [2*Dim-1];
  logic        last_sh_q [2*Dim-1];
  logic [7:0]  b_q    [Dim][Dim];    // OS b, to PE (i+1, j)
  logic [31:0] acc_q  [Dim][Dim];    // OS accumulator / WS partial sum to PE (i+1, j)
  logic [7:0]  w_q    [2][Dim][Dim]; // WS weights, two banks
  logic [31:0] out_q  [Dim][Dim];    // OS output registers
  // Skew (row / column k delayed by k: stages 0..k-1) and deskew (column j: Dim-1-j stages).
  logic [7:0]  a_sk_q    [Dim][Dim];
  logic [7:0]  b_sk_q    [Dim][Dim];
  logic [31:0] out_sk_q  [Dim][Dim];

  always_ff @(posedge clk_i) begin
    if (en_i) begin
      for (int k = 1; k < Dim; k++) begin
        a_sk_q[k][0]    <= a_row_i[k*8 +: 8];
        b_sk_q[k][0]    <= b_row_i[k*8 +: 8];
        for (int s = 1; s < k; s++) begin
          a_sk_q[k][s]    <= a_sk_q[k][s-1];
          b_sk_q[k][s]    <= b_sk_q[k][s-1];
        end
      end
      // Operands arriving at PE (i, j): from the left / top neighbour, or the skew at the edge.
`define GEMMINI_A_IN(i, j) \
      (((j) > 0) ? a_q[i][((j) > 0) ? (j) - 1 : 0] : ((i) > 0) ? a_sk_q[i][((i) > 0) ? (i) - 1 : 0] : a_row_i[7:0])
`define GEMMINI_WSEL_IN(i, j) \
      (((i) + (j) > 0) ? wsel_sh_q[((i) + (j) > 0) ? (i) + (j) - 1 : 0] : wsel_i)
`define GEMMINI_LAST_IN(i, j) \
      (((i) + (j) > 0) ? last_sh_q[((i) + (j) > 0) ? (i) + (j) - 1 : 0] : last_i)
`define GEMMINI_B_IN(i, j) \
      (((i) > 0) ? b_q[((i) > 0) ? (i) - 1 : 0][j] : ((j) > 0) ? b_sk_q[j][((j) > 0) ? (j) - 1 : 0] : b_row_i[7:0])
      // OS: the PE's new sum (from zero on a compute_preloaded's first row).
`define GEMMINI_OS_SUM(i, j) \
      ((`GEMMINI_WSEL_IN(i, j) ? 32'd0 : acc_q[i][j]) + \
       32'($signed(`GEMMINI_A_IN(i, j)) * $signed(`GEMMINI_B_IN(i, j))))
      if (ws_i) begin
        for (int i = 0; i < Dim; i++) begin
          for (int j = 0; j < Dim; j++) begin
            a_q[i][j]    <= `GEMMINI_A_IN(i, j);
            acc_q[i][j]  <= ((i > 0) ? acc_q[(i > 0) ? i - 1 : 0][j] : 32'd0) +
                            32'($signed(`GEMMINI_A_IN(i, j)) * $signed(w_q[`GEMMINI_WSEL_IN(i, j)][i][j]));
          end
        end
      end else begin
        for (int i = 0; i < Dim; i++) begin
          for (int j = 0; j < Dim; j++) begin
            a_q[i][j]    <= `GEMMINI_A_IN(i, j);
            b_q[i][j]    <= `GEMMINI_B_IN(i, j);
            acc_q[i][j]  <= `GEMMINI_OS_SUM(i, j);
            // A mux rather than a conditional write: Verilator then updates the array in place.
            out_q[i][j]  <= `GEMMINI_LAST_IN(i, j) ? `GEMMINI_OS_SUM(i, j) : out_q[i][j];
          end
        end
      end
`undef GEMMINI_A_IN
`undef GEMMINI_WSEL_IN
`undef GEMMINI_B_IN
`undef GEMMINI_LAST_IN
`undef GEMMINI_OS_SUM
      wsel_sh_q[0] <= wsel_i;
      last_sh_q[0] <= last_i;
      for (int d = 1; d < 2 * Dim - 1; d++) begin
        wsel_sh_q[d] <= wsel_sh_q[d-1];
        last_sh_q[d] <= last_sh_q[d-1];
      end
      for (int j = 0; j < Dim - 1; j++) begin
        out_sk_q[j][0] <= acc_q[Dim-1][j];
        for (int s = 1; s < Dim - 1 - j; s++) out_sk_q[j][s] <= out_sk_q[j][s-1];
      end
    end
  end

  always_ff @(posedge clk_i) begin
    if (w_we_i) begin
      for (int j = 0; j < Dim; j++) w_q[w_bank_i][w_row_idx_i][j] <= w_row_i[j*8 +: 8];
    end
  end

  always_comb begin
    for (int j = 0; j < Dim - 1; j++) out_row_o[j*32 +: 32] = out_sk_q[j][Dim-2-j];
    out_row_o[(Dim-1)*32 +: 32] = acc_q[Dim-1][Dim-1];
  end

  // OS readout, only computed while draining.
  always_comb begin
    os_row_o = '0;
    if (os_read_i) begin
      for (int j = 0; j < Dim; j++) os_row_o[j*32 +: 32] = out_q[os_row_sel_i][j];
    end
  end
endmodule
