// Compute unit: runs compute commands in order on the systolic array, reading IBUF/WBUF and
// writing OBUF. The dataflow (OS or WS) is a run-time input. Cycle-level timing of both
// dataflows is documented in rtl/systolic/README.md; the cycle numbers below refer to it
// (cycle 0 = the cycle the command starts).
module systolic_compute import systolic_pkg::*; #(
  parameter int unsigned Rows    = 4,
  parameter int unsigned Cols    = 4,
  parameter int unsigned IbufAw  = 8,
  parameter int unsigned WbufAw  = 8,
  parameter int unsigned ObufAw  = 8
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,
  input  logic                 ws_i,
  input  logic                 cmd_valid_i,
  input  compute_cmd_t         cmd_i,
  output logic                 cmd_pop_o,
  input  logic [1:0]           ibuf_full_i,
  input  logic [1:0]           wbuf_full_i,
  input  logic [1:0]           obuf_full_i,
  output logic                 release_a_o,     // clear IBUF[cmd_i.a_half] full
  output logic                 release_b_o,     // clear WBUF[cmd_i.b_half] full
  output logic                 set_obuf_full_o, // set OBUF[obuf_whalf_o] full
  output logic                 ibuf_re_o,
  output logic [IbufAw-1:0]    ibuf_raddr_o,
  input  logic [Rows*8-1:0]    ibuf_rdata_i,
  output logic                 wbuf_re_o,
  output logic [WbufAw-1:0]    wbuf_raddr_o,
  input  logic [Cols*8-1:0]    wbuf_rdata_i,
  output logic                 obuf_we_o,
  output logic [ObufAw-1:0]    obuf_waddr_o,
  output logic [Cols*32-1:0]   obuf_wdata_o,
  output logic                 obuf_re_o,
  output logic [ObufAw-1:0]    obuf_raddr_o,
  output logic                 obuf_whalf_o,    // a WS fold's writes outlive its command
  output logic                 obuf_rhalf_o,
  input  logic [Cols*32-1:0]   obuf_rdata_i,
  output logic                 idle_o,
  output logic                 busy_o,
  output logic                 stall_load_o,    // head waits for IBUF/WBUF halves to be filled
  output logic                 stall_store_o    // head waits for the OBUF half to be emptied
);
  localparam int unsigned Tw = LenWidth + 2;
  localparam int unsigned Rw = (Rows > 1) ? $clog2(Rows) : 1;
  localparam logic [Tw-1:0] FlushCycles = Tw'(Cols);
  localparam logic [Tw-1:0] LastRow     = Tw'(Rows - 1);
  // A non-last WS fold occupies the FSM for max(m_len, R-1, C-2, 1) + 1 cycles: its inputs stream,
  // its weights preload into the idle bank (R cycles), and the bank it loads was last read by the
  // fold before the previous one (rtl/systolic/README.md). Its OBUF reads / writes follow in the
  // tail while the next fold runs. A last fold ends with its last OBUF write (m_len+R+C+1 cycles),
  // so the half's full flag is set in its own command, as before.
  localparam logic [Tw-1:0] WsMinEnd = Tw'((Rows - 1 > Cols - 2) ?
                                           ((Rows - 1 > 1) ? Rows - 1 : 1) :
                                           ((Cols - 2 > 1) ? Cols - 2 : 1));
  // Tail: entry m is pushed in its IBUF read cycle x; OBUF read at x+R+C-1, write at x+R+C.
  localparam int unsigned TailDepth = Rows + Cols;

  typedef enum logic [2:0] {
    StIdle,
    StOsFeed,
    StOsFlush,
    StOsDrain,
    StWsRun
  } state_e;

  typedef struct packed {
    logic              entry;  // an input entry was read: its column sums arrive
    logic [ObufAw-1:0] addr;
    logic              acc;    // add the OBUF entry (not first)
    logic              half;
    logic              done;   // the last fold's last tail element: set the half full
  } tail_t;

  state_e state_q, state_d;
  logic [Tw-1:0] t_q, t_d;
  logic operands_full, start_os, start_ws, drain_blocked;
  logic [Tw-1:0] k_len, m_len, ws_end;
  logic fold_bank_q, fold_bank_d, w_bank;
  tail_t tail_push;
  // Packed: Verilator shifts it as one variable.
  tail_t [TailDepth-1:0] tail_q;
  localparam int unsigned TcW = $clog2(TailDepth + 1);
  logic [TcW-1:0] tail_cnt_q;  // cycles until the last element pushed has left
  logic tail_busy, tail_in;

  assign k_len = Tw'(cmd_i.k_len);
  assign m_len = Tw'(cmd_i.m_len);
  assign ws_end = cmd_i.last ? m_len + Tw'(Rows + Cols) : (m_len > WsMinEnd) ? m_len : WsMinEnd;
  assign operands_full = ibuf_full_i[cmd_i.a_half] && wbuf_full_i[cmd_i.b_half];
  assign start_os = (state_q == StIdle) && cmd_valid_i && operands_full && !ws_i;
  assign start_ws = (state_q == StIdle) && cmd_valid_i && operands_full && ws_i &&
                    !obuf_full_i[cmd_i.o_half];
  assign drain_blocked = (state_q == StOsDrain) && (t_q == '0) && obuf_full_i[cmd_i.o_half];

  // ---------------------------------------------------------------------------------------------
  // Sequencing
  // ---------------------------------------------------------------------------------------------
  logic clear_acc, w_preload;
  logic [Cols*32-1:0] array_row, ws_sums;

  always_comb begin
    state_d         = state_q;
    t_d             = t_q;
    cmd_pop_o       = 1'b0;
    release_a_o     = 1'b0;
    release_b_o     = 1'b0;
    set_obuf_full_o = 1'b0;
    ibuf_re_o       = 1'b0;
    ibuf_raddr_o    = '0;
    wbuf_re_o       = 1'b0;
    wbuf_raddr_o    = WbufAw'(cmd_i.b_off);
    obuf_we_o       = 1'b0;
    obuf_waddr_o    = '0;
    obuf_wdata_o    = array_row;
    obuf_re_o       = 1'b0;
    obuf_raddr_o    = '0;
    obuf_whalf_o    = cmd_i.o_half;
    obuf_rhalf_o    = cmd_i.o_half;
    clear_acc       = 1'b0;
    w_preload       = 1'b0;
    fold_bank_d     = fold_bank_q;
    tail_push       = '{entry: 1'b0, addr: '0, acc: !cmd_i.first, half: cmd_i.o_half,
                        done: 1'b0};

    unique case (state_q)
      StIdle: begin
        if (start_os) begin
          // Cycle 0 of the feed: read entry 0 of both operands.
          ibuf_re_o = 1'b1;
          wbuf_re_o = 1'b1;
          clear_acc = cmd_i.first;
          t_d       = Tw'(1);
          state_d   = StOsFeed;
          if (k_len <= Tw'(1)) begin
            t_d = '0;
            if (cmd_i.last) begin
              state_d = StOsFlush;
            end else begin
              release_a_o = cmd_i.release_a;
              release_b_o = cmd_i.release_b;
              cmd_pop_o   = 1'b1;
              state_d     = StIdle;
            end
          end
        end else if (start_ws) begin
          // Cycle 0: read weight entry 0 for PE row 0 of the idle bank.
          w_preload   = 1'b1;
          wbuf_re_o   = (k_len != '0);
          fold_bank_d = !fold_bank_q;
          t_d         = Tw'(1);
          state_d     = StWsRun;
          tail_push.done = (m_len == '0) && cmd_i.last;
        end
      end

      StOsFeed: begin
        // Cycle t: read entry t of both operands.
        ibuf_re_o    = 1'b1;
        ibuf_raddr_o = IbufAw'(t_q);
        wbuf_re_o    = 1'b1;
        wbuf_raddr_o = WbufAw'(cmd_i.b_off) + WbufAw'(t_q);
        t_d          = t_q + 1'b1;
        if (t_q + 1'b1 == k_len) begin
          t_d = '0;
          if (cmd_i.last) begin
            state_d = StOsFlush;
          end else begin
            release_a_o = cmd_i.release_a;
            release_b_o = cmd_i.release_b;
            cmd_pop_o   = 1'b1;
            state_d     = StIdle;
          end
        end
      end

      StOsFlush: begin
        // The last operands travel to the far column: Cols cycles.
        t_d = t_q + 1'b1;
        if (t_q + 1'b1 == FlushCycles) begin
          t_d     = '0;
          state_d = StOsDrain;
        end
      end

      StOsDrain: begin
        // Row t of the accumulators goes to OBUF entry t; row t finished exactly in time.
        if (!drain_blocked) begin
          obuf_we_o    = 1'b1;
          obuf_waddr_o = ObufAw'(t_q);
          t_d          = t_q + 1'b1;
          if (t_q == LastRow) begin
            set_obuf_full_o = 1'b1;
            release_a_o     = cmd_i.release_a;
            release_b_o     = cmd_i.release_b;
            cmd_pop_o       = 1'b1;
            t_d             = '0;
            state_d         = StIdle;
          end
        end
      end

      StWsRun: begin
        // Weight entry t preloads into PE row t of the fold's bank (read at cycle t; rows
        // k_len..R-1 get zeros), input entry m streams at cycle 1+m; its column sums reach OBUF
        // entry m at cycle m+R+C+1 through the tail, after the command has ended.
        w_preload       = (t_q < Tw'(Rows));
        wbuf_re_o       = (t_q < k_len);
        wbuf_raddr_o    = WbufAw'(cmd_i.b_off) + WbufAw'(t_q);
        ibuf_re_o       = (t_q <= m_len);
        ibuf_raddr_o    = IbufAw'(cmd_i.a_off) + IbufAw'(t_q - 1'b1);
        tail_push.entry = (t_q <= m_len);
        tail_push.addr  = ObufAw'(t_q - 1'b1);
        tail_push.done  = (t_q == m_len) && cmd_i.last;
        t_d             = t_q + 1'b1;
        if (t_q == ws_end) begin
          release_a_o = cmd_i.release_a;
          release_b_o = cmd_i.release_b;
          cmd_pop_o   = 1'b1;
          t_d         = '0;
          state_d     = StIdle;
        end
      end

      default: state_d = StIdle;
    endcase

    // WS tail: OBUF read of entry m one cycle before its write (the partial sum to add).
    if (ws_i) begin
      obuf_re_o    = tail_q[TailDepth-2].entry && tail_q[TailDepth-2].acc;
      obuf_raddr_o = tail_q[TailDepth-2].addr;
      obuf_rhalf_o = tail_q[TailDepth-2].half;
      obuf_we_o    = tail_q[TailDepth-1].entry;
      obuf_waddr_o = tail_q[TailDepth-1].addr;
      obuf_whalf_o = tail_q[TailDepth-1].half;
      obuf_wdata_o = ws_sums;
      set_obuf_full_o = tail_q[TailDepth-1].done;
    end
  end

  // The tail is a shift register (only pushed / read in WS), held while it holds nothing.
  assign tail_in   = tail_push.entry || tail_push.done;
  assign tail_busy = (tail_cnt_q != '0);
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      tail_q     <= '0;
      tail_cnt_q <= '0;
    end else if (tail_busy || tail_in) begin
      tail_q     <= {tail_q[TailDepth-2:0], tail_in ? tail_push : tail_t'('0)};
      tail_cnt_q <= tail_in ? TcW'(TailDepth) : tail_cnt_q - 1'b1;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q        <= StIdle;
      t_q            <= '0;
      fold_bank_q    <= 1'b0;
    end else begin
      state_q        <= state_d;
      t_q            <= t_d;
      fold_bank_q    <= fold_bank_d;
    end
  end

  // ---------------------------------------------------------------------------------------------
  // Datapath: operand gating and skew, the array, weight preload, output deskew
  // ---------------------------------------------------------------------------------------------
  logic ibuf_rvalid_q, b_rvalid_q, w_rvalid_q, w_load_q, w_bank_q, obuf_rvalid_q, a_bank_q;
  logic [Rw-1:0] w_row_q;
  logic [Rows*8-1:0] a_edge, a_skewed;
  logic [Rows-1:0] sel_edge, sel_skewed;
  logic [Cols*8-1:0] b_edge, b_skewed, w_data;
  logic [Rows-1:0] w_load;
  logic [Rw-1:0] row_sel;
  logic [Cols*32-1:0] ws_deskewed;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      ibuf_rvalid_q <= 1'b0;
      b_rvalid_q    <= 1'b0;
      w_rvalid_q    <= 1'b0;
      w_load_q      <= 1'b0;
      w_bank_q      <= 1'b0;
      a_bank_q      <= 1'b0;
      w_row_q       <= '0;
      obuf_rvalid_q       <= 1'b0;
    end else begin
      ibuf_rvalid_q <= ibuf_re_o;
      b_rvalid_q    <= wbuf_re_o && !ws_i;
      w_rvalid_q    <= wbuf_re_o && ws_i;
      w_load_q      <= w_preload;
      w_bank_q      <= w_bank;
      // The bank travels with the fold's inputs; it holds between folds (no activity).
      if (ibuf_re_o) a_bank_q <= fold_bank_q;
      w_row_q       <= Rw'(t_q);
      obuf_rvalid_q       <= obuf_re_o;  // OBUF data next cycle is a partial sum to add to
    end
  end

  // Zero operands outside the reads, so the wavefront is followed by zeros.
  assign a_edge = ibuf_rvalid_q ? ibuf_rdata_i : '0;
  assign b_edge = b_rvalid_q ? wbuf_rdata_i : '0;

  always_comb begin
    w_load = '0;
    if (w_load_q) w_load[w_row_q] = 1'b1;
  end
  assign w_data = w_rvalid_q ? wbuf_rdata_i : '0;
  // A WS fold loads the bank its start selects (fold_bank_q flips in the start cycle).
  assign w_bank = (state_q == StIdle) ? !fold_bank_q : fold_bank_q;
  assign sel_edge = {Rows{a_bank_q}};

  acv_skew_buffer #(
    .Lanes    (Rows),
    .LaneWidth(1),
    .Reverse  (1'b0)
  ) u_sel_skew (
    .clk_i (clk_i),
    .rst_ni(rst_ni),
    .data_i(sel_edge),
    .data_o(sel_skewed)
  );

  acv_skew_buffer #(
    .Lanes    (Rows),
    .LaneWidth(8),
    .Reverse  (1'b0)
  ) u_a_skew (
    .clk_i (clk_i),
    .rst_ni(rst_ni),
    .data_i(a_edge),
    .data_o(a_skewed)
  );

  acv_skew_buffer #(
    .Lanes    (Cols),
    .LaneWidth(8),
    .Reverse  (1'b0)
  ) u_b_skew (
    .clk_i (clk_i),
    .rst_ni(rst_ni),
    .data_i(b_edge),
    .data_o(b_skewed)
  );

  assign row_sel = ws_i ? Rw'(Rows - 1) : Rw'(t_q);

  systolic_array #(
    .Rows(Rows),
    .Cols(Cols)
  ) u_array (
    .clk_i    (clk_i),
    .rst_ni   (rst_ni),
    .ws_i     (ws_i),
    .clear_i  (clear_acc),
    .w_load_i (w_load),
    .w_bank_i (w_bank_q),
    .w_i      (w_data),
    .sel_i    (sel_skewed),
    .a_i      (a_skewed),
    .b_i      (b_skewed),
    .row_sel_i(row_sel),
    .row_o    (array_row)
  );

  acv_skew_buffer #(
    .Lanes    (Cols),
    .LaneWidth(32),
    .Reverse  (1'b1)
  ) u_deskew (
    .clk_i (clk_i),
    .rst_ni(rst_ni),
    .data_i(array_row),
    .data_o(ws_deskewed)
  );

  // WS accumulation: add the entry read from OBUF the cycle before (first = 0).
  always_comb begin
    for (int j = 0; j < Cols; j++) begin
      ws_sums[j*32 +: 32] = ws_deskewed[j*32 +: 32] + (obuf_rvalid_q ? obuf_rdata_i[j*32 +: 32] : 32'd0);
    end
  end

  assign idle_o        = (state_q == StIdle) && !cmd_valid_i && !tail_busy;
  assign busy_o        = ((state_q != StIdle) && !drain_blocked) || start_os || start_ws;
  assign stall_load_o  = (state_q == StIdle) && cmd_valid_i && !operands_full;
  assign stall_store_o = ((state_q == StIdle) && cmd_valid_i && operands_full && ws_i &&
                          obuf_full_i[cmd_i.o_half]) || drain_blocked;
endmodule
