// Rows x Cols grid of int8 PEs with int32 registers. Operands enter already skewed: a on the
// left edge (row i), b on the top edge (column j); partial sums enter the top row as zero.
// PE (i, j) each cycle (see systolic_pkg::pe_product):
//   a_q <= a_in;  b_q <= b_in;                 operands pass right / down
//   OS: acc_q <= (clear ? 0 : acc_q) + a_in * b_in   (acc_q is the stationary accumulator)
//   WS: acc_q <= psum_in + a_in * w_q[sel_in]         (acc_q is the partial sum passed down)
//   sel_q <= sel_in                            the weight bank travels right with a
//   w_q[w_bank_i] <= w_i[j] when w_load_i[i]   (WS weight preload, one row per cycle)
// Two weight banks: a fold preloads one while the previous fold's inputs still use the other;
// sel enters each row with the fold's inputs, so the switch follows the diagonal wavefront.
// row_o returns the registers of one row: OS drain (any row) or WS column sums (row Rows-1).
//
// Activity gating (simulation speed only, no change in behaviour): the PE registers update
// only while something may change them. Every edge input that can change a PE (a_i, b_i,
// clear_i, w_load_i, a change of ws_i or sel_i) reloads a counter with Rows + Cols + 1; while it is
// non-zero the array updates. Once it has run out, no non-zero operand has entered for
// Rows + Cols + 1 cycles, so every a_q / b_q is zero (an operand leaves after Cols / Rows
// cycles), every sel_q equals its row's (constant) sel_i, every product is zero and w_q holds: OS acc_q <= acc_q + 0 holds, and the WS
// partial sums have all left through the bottom row (acc_q all zero, acc_q <= 0 + 0 holds).
// Holding the registers then gives exactly the values the update would have written.
//
// The PEs are generate blocks rather than Rows*Cols module instances, with their next state
// written in the always_ff: Verilator then copies no ports per PE and keeps no _d variables
// (the simulation speed target of rtl/systolic/README.md depends on it). The product is written
// out as 32'($signed(a)) * 32'($signed(b)) (equal to pe_product: |a*b| <= 2^14) and the OS / WS
// updates as two branches on ws_i, so Verilator computes one product per PE inside one branch
// (a function call is hoisted out of the branch and both products are computed).
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
  input  logic               w_bank_i,   // the bank it goes to
  input  logic [Cols*8-1:0]  w_i,
  input  logic [Rows-1:0]    sel_i,      // skewed like a_i: the bank row i's inputs use
  input  logic [Rows*8-1:0]  a_i,
  input  logic [Cols*8-1:0]  b_i,
  input  logic [Rw-1:0]      row_sel_i,
  output logic [Cols*32-1:0] row_o
);
  logic [Cols*32-1:0] rows_acc [Rows];

  localparam int unsigned Qw = $clog2(Rows + Cols + 2);
  localparam logic [Qw-1:0] QuietCycles = Qw'(Rows + Cols + 1);
  logic          in_active, active, ws_prev_q;
  logic [Rows-1:0] sel_prev_q;
  logic [Qw-1:0] busy_cnt_q;

  assign in_active = (a_i != '0) || (b_i != '0) || clear_i || (w_load_i != '0) ||
                     (ws_i != ws_prev_q) || (sel_i != sel_prev_q);
  assign active    = in_active || (busy_cnt_q != '0);

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      busy_cnt_q <= '0;
      ws_prev_q  <= 1'b0;
      sel_prev_q <= '0;
    end else begin
      ws_prev_q  <= ws_i;
      sel_prev_q <= sel_i;
      if (in_active) begin
        busy_cnt_q <= QuietCycles;
      end else if (busy_cnt_q != '0) begin
        busy_cnt_q <= busy_cnt_q - 1'b1;
      end
    end
  end

  // Waiver (lowRISC style: always_ff holds only q <= d): each PE's next state is computed in
  // its always_ff, and its registers are plain variables of its generate block (not elements
  // of unpacked arrays, whose non-blocking writes Verilator defers through per-element flags).
  for (genvar i = 0; i < Rows; i++) begin : g_row
    for (genvar j = 0; j < Cols; j++) begin : g_col
      // The right column's a_q and the bottom row's b_q are not read by any PE.
      /* verilator lint_off UNUSEDSIGNAL */
      logic [7:0]  a_q, b_q;
      /* verilator lint_on UNUSEDSIGNAL */
      logic [7:0]  w0_q, w1_q;
      /* verilator lint_off UNUSEDSIGNAL */
      logic        sel_q;
      /* verilator lint_on UNUSEDSIGNAL */
      logic [31:0] acc_q;
      logic [7:0]  a_in, b_in;
      logic        sel_in;
      logic [31:0] psum_in;
      if (j == 0) begin : g_left
        assign a_in   = a_i[i*8 +: 8];
        assign sel_in = sel_i[i];
      end else begin : g_inner_a
        assign a_in   = g_row[i].g_col[j-1].a_q;
        assign sel_in = g_row[i].g_col[j-1].sel_q;
      end
      if (i == 0) begin : g_top
        assign b_in    = b_i[j*8 +: 8];
        assign psum_in = '0;
      end else begin : g_inner_b
        assign b_in    = g_row[i-1].g_col[j].b_q;
        assign psum_in = g_row[i-1].g_col[j].acc_q;
      end

      always_ff @(posedge clk_i or negedge rst_ni) begin
        if (!rst_ni) begin
          a_q   <= '0;
          b_q   <= '0;
          w0_q  <= '0;
          w1_q  <= '0;
          sel_q <= 1'b0;
          acc_q <= '0;
        end else if (active) begin
          a_q <= a_in;
          b_q <= b_in;
          // Bank select and weights are WS-only (OS never loads weights): no OS cost.
          if (ws_i) begin
            sel_q <= sel_in;
            if (w_load_i[i]) begin
              if (w_bank_i) w1_q <= w_i[j*8 +: 8];
              else w0_q <= w_i[j*8 +: 8];
            end
            acc_q <= psum_in + 32'($signed(a_in)) * 32'($signed(sel_in ? w1_q : w0_q));
          end else begin
            acc_q <= (clear_i ? 32'd0 : acc_q) + 32'($signed(a_in)) * 32'($signed(b_in));
          end
        end
      end

      assign rows_acc[i][j*32 +: 32] = acc_q;
    end
  end

  assign row_o = rows_acc[row_sel_i];
endmodule
