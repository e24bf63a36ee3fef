// DIM x DIM mesh of PEs with a pipeline register between neighbours, input skew (row k of A and
// column j of B delayed by k / j cycles) and output deskew, so a row presented at cycle t comes
// out whole at cycle t + 2*Dim - 1 (WS). OS accumulators are read a PE row at a time.
// Everything but the weights moves only while en_i is set (cycles counted with en_i set).
module gemmini_mesh #(
  parameter int unsigned Dim = 4,
  localparam int unsigned Iw = (Dim > 1) ? $clog2(Dim) : 1
) (
  input  logic                 clk_i,
  input  logic                 en_i,          // operands move; hold while no row is in flight
  input  logic                 ws_i,
  input  logic                 clear_i,       // OS: zero every accumulator
  // Operand rows, unskewed; zero when no row is presented.
  input  logic [Dim*8-1:0]     a_row_i,       // element k feeds mesh row k
  input  logic                 wsel_i,        // WS: weight register the row uses
  input  logic [Dim*8-1:0]     b_row_i,       // OS: element j feeds mesh column j
  // WS weight writes: one mesh row of one weight register per cycle, or clear a register.
  input  logic                 w_we_i,
  input  logic                 w_clear_i,
  input  logic                 w_bank_i,
  input  logic [Iw-1:0]        w_row_idx_i,
  input  logic [Dim*8-1:0]     w_row_i,
  // Outputs.
  output logic [Dim*32-1:0]    out_row_o,     // WS: column sums, deskewed
  input  logic                 os_read_i,     // OS: os_row_o is needed this cycle
  input  logic [Iw-1:0]        os_row_sel_i,
  output logic [Dim*32-1:0]    os_row_o       // OS: accumulators of PE row os_row_sel_i
);
  // Neighbour wires: a / wsel to the right, b / psum down.
  logic [7:0]  a_w    [Dim][Dim+1];
  logic        wsel_w [Dim][Dim+1];
  logic [7:0]  b_w    [Dim+1][Dim];
  logic [31:0] acc_w  [Dim+1][Dim];

  // Input skew.
  for (genvar k = 0; k < Dim; k++) begin : g_skew
    if (k == 0) begin : g_direct
      assign a_w[0][0]    = a_row_i[7:0];
      assign wsel_w[0][0] = wsel_i;
      assign b_w[0][0]    = b_row_i[7:0];
    end else begin : g_delay
      logic [7:0] a_sh_q [k];
      logic       wsel_sh_q [k];
      logic [7:0] b_sh_q [k];
      always_ff @(posedge clk_i) begin
        if (en_i) begin
          a_sh_q[0]    <= a_row_i[k*8 +: 8];
          wsel_sh_q[0] <= wsel_i;
          b_sh_q[0]    <= b_row_i[k*8 +: 8];
          for (int s = 1; s < k; s++) begin
            a_sh_q[s]    <= a_sh_q[s-1];
            wsel_sh_q[s] <= wsel_sh_q[s-1];
            b_sh_q[s]    <= b_sh_q[s-1];
          end
        end
      end
      assign a_w[k][0]    = a_sh_q[k-1];
      assign wsel_w[k][0] = wsel_sh_q[k-1];
      assign b_w[0][k]    = b_sh_q[k-1];
    end
  end

  for (genvar j = 0; j < Dim; j++) begin : g_top
    assign acc_w[0][j] = '0;
  end

  for (genvar i = 0; i < Dim; i++) begin : g_row
    logic [1:0] w_we_row;
    assign w_we_row[0] = (w_we_i && (w_row_idx_i == Iw'(i)) || w_clear_i) && (w_bank_i == 1'b0);
    assign w_we_row[1] = (w_we_i && (w_row_idx_i == Iw'(i)) || w_clear_i) && (w_bank_i == 1'b1);
    for (genvar j = 0; j < Dim; j++) begin : g_col
      gemmini_pe u_pe (
        .clk_i  (clk_i),
        .en_i   (en_i),
        .ws_i   (ws_i),
        .clear_i(clear_i),
        .w_we_i (w_we_row),
        .w_i    (w_clear_i ? 8'd0 : w_row_i[j*8 +: 8]),
        .a_i    (a_w[i][j]),
        .wsel_i (wsel_w[i][j]),
        .b_i    (b_w[i][j]),
        .psum_i (acc_w[i][j]),
        .a_o    (a_w[i][j+1]),
        .wsel_o (wsel_w[i][j+1]),
        .b_o    (b_w[i+1][j]),
        .acc_o  (acc_w[i+1][j])
      );
    end
  end

  // Output deskew: column j waits Dim-1-j cycles.
  for (genvar j = 0; j < Dim; j++) begin : g_deskew
    if (j == Dim - 1) begin : g_direct
      assign out_row_o[j*32 +: 32] = acc_w[Dim][j];
    end else begin : g_delay
      logic [31:0] sh_q [Dim-1-j];
      always_ff @(posedge clk_i) begin
        if (en_i) begin
          sh_q[0] <= acc_w[Dim][j];
          for (int s = 1; s < Dim - 1 - j; s++) sh_q[s] <= sh_q[s-1];
        end
      end
      assign out_row_o[j*32 +: 32] = sh_q[Dim-2-j];
    end
  end

  // OS readout: PE row i's accumulators sit on acc_w[i+1].
  always_comb begin
    os_row_o = '0;
    for (int i = 0; i < Dim && os_read_i; i++) begin
      if (os_row_sel_i == Iw'(i)) begin
        for (int j = 0; j < Dim; j++) os_row_o[j*32 +: 32] = acc_w[i+1][j];
      end
    end
  end

  // Unused: the a / wsel leaving the right edge and b leaving the bottom.
  logic unused_edges;
  always_comb begin
    unused_edges = 1'b0;
    for (int i = 0; i < Dim; i++) unused_edges = unused_edges ^ (|a_w[i][Dim]) ^ wsel_w[i][Dim] ^ (|b_w[Dim][i]);
  end
endmodule
