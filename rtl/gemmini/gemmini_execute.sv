// Execute unit: runs computes (each merged with its preload by the decoder) on the mesh.
//   WS: two parts. The weight loader takes a compute_preloaded from the queue and writes its B
//     rows (read through the scratchpad's weight port) into the idle weight bank, mesh row k
//     in the k+1-th cycle after the pop (rows past w_rows get zeros), while the streamer still
//     streams earlier computes with the other bank. The streamer reads one A row per cycle, back
//     to back across computes (a compute_preloaded from the cycle after its pop: its row reaches
//     mesh row k after weight row k was written, as the weights flow down in Gemmini's PEs; a
//     compute_accumulated straight from the queue); each output row is written (or added) to
//     the accumulator 2*Dim-1 cycles after its A row entered the mesh.
//   OS: read the B rows into the B buffer, stream A and B rows together into the PE
//     accumulators (cleared first by compute_preloaded), and when c_rows > 0 wait for the mesh
//     to drain and write PE row i to accumulator row c_addr + i, one row per cycle.
// In-flight computes are kept as dependency records until their last accumulator write.
module gemmini_execute import gemmini_pkg::*; #(
  parameter int unsigned Dim      = 4,
  parameter int unsigned SpRows   = 1024,
  parameter int unsigned AccRows  = 256,
  parameter int unsigned RecDepth = 4,
  localparam int unsigned SpAw    = $clog2(SpRows),
  localparam int unsigned AccAw   = $clog2(AccRows),
  localparam int unsigned Iw      = (Dim > 1) ? $clog2(Dim) : 1
) (
  input  logic               clk_i,
  input  logic               rst_ni,
  input  logic               head_valid_i,   // queued and not blocked by the tracker
  input  ex_cmd_t            head_i,
  input  dep_t               head_dep_i,
  output logic               pop_o,          // the head starts (moves to the records)
  output logic               retire_o,       // the oldest record retires: its compute is done
  // Records of in-flight computes, for the tracker.
  output dep_t               rec_dep_o [RecDepth],
  output logic [RecDepth-1:0] rec_valid_o,
  output logic               idle_o,
  // Scratchpad read port (data the next cycle).
  output logic               sp_re_o,
  output logic [SpAw-1:0]    sp_raddr_o,
  input  logic [Dim*8-1:0]   sp_rdata_i,
  // Scratchpad weight read port (data the next cycle).
  output logic               sp_wre_o,
  output logic [SpAw-1:0]    sp_wraddr_o,
  input  logic [Dim*8-1:0]   sp_wrdata_i,
  // Accumulator write port.
  output logic               acc_we_o,
  output logic               acc_accumulate_o,
  output logic [AccAw-1:0]   acc_waddr_o,
  output logic [Dim*32-1:0]  acc_wdata_o,
  // Counter events.
  output logic               active_o,
  output logic               preload_haz_o,  // head ready, waiting for its weight bank to drain
  output logic               overlap_haz_o,  // head ready, waiting for earlier computes (records, dataflow)
  output logic               row_o           // an A row entered the mesh
);
  localparam int unsigned Lat = 2 * Dim - 1;  // WS: A row in -> output row out
  localparam logic [LenWidth-1:0] OsWait = LenWidth'(2 * Dim - 3);
  localparam logic [7:0] BusyCycles = 8'(2 * Dim);
  // A weight bank may be rewritten from Dim - 2 cycles after the last row that uses it entered
  // the mesh: weight row k is written in the k+1-th cycle of the load and that row leaves mesh
  // row k (PE (k, Dim-1)) k + Dim - 1 cycles after it entered.
  localparam logic [7:0] BankBusyCycles = 8'((Dim > 3) ? Dim - 3 : 0);
  localparam logic [LenWidth-1:0] WlLast = LenWidth'(Dim);

  // OS state machine (WS computes leave it in StIdle).
  typedef enum logic [2:0] {
    StIdle,
    StLoadOperand,  // OS B buffer
    StStream,
    StOsWait,
    StOsDrain
  } state_e;

  state_e state_q, state_d;
  ex_cmd_t cmd_q, cmd_d;
  logic [LenWidth-1:0] cnt_q, cnt_d;
  logic mode_ws_q, mode_ws_d;          // dataflow the mesh currently runs
  logic cur_bank_q, cur_bank_d;        // WS weight bank of the rows the streamer reads
  logic [7:0] mesh_busy_q, mesh_busy_d;  // cycles until the last row left the mesh
  logic [7:0] bank_busy_q [2];
  logic [7:0] bank_busy_d [2];
  logic [Dim*8-1:0] b_buf_q [Dim];
  logic b_buf_we, b_buf_clear;

  // WS streamer: reads A row str_cnt_q of str_cmd_q while str_valid_q (row 0 was read in the
  // cycle it started); the row enters the mesh the cycle after its read (pres_q).
  logic str_valid_q, str_valid_d;
  ex_cmd_t str_cmd_q, str_cmd_d;
  logic [LenWidth-1:0] str_cnt_q, str_cnt_d;
  // WS weight loader: a compute_preloaded waits in the staged slot from its pop until it starts
  // streaming (from the next cycle). Cycle 0 (the pop) reads B row 0; cycle c = 1..Dim writes
  // mesh row c-1 of bank wl_bank_q (B row c-1, or zeros past w_rows) and reads row c. The next
  // pop may come in cycle Dim.
  logic stg_valid_q, stg_valid_d;
  ex_cmd_t stg_cmd_q, stg_cmd_d;
  logic wl_busy_q, wl_busy_d;
  logic wl_bank_q, wl_bank_d;
  logic [LenWidth-1:0] wl_cnt_q, wl_cnt_d;
  logic [LocalAw-1:0] wl_addr_q, wl_addr_d;
  logic [LenWidth-1:0] wl_rows_q, wl_rows_d;

  // A row read this cycle, presented next cycle.
  typedef struct packed {
    logic                valid;
    logic                bank;
    logic                we;
    logic                last;
    logic                accumulate;
    logic [AccAw-1:0]    addr;
  } rd_t;
  rd_t rd, pres_q;

  // Mesh inputs.
  logic mesh_clear, w_we;
  logic [Dim*8-1:0] w_row;
  logic [Iw-1:0] w_row_idx, os_row_sel;
  logic [Dim*8-1:0] a_row, b_row;
  logic [Dim*32-1:0] out_row, os_row;
  logic present;  // a row enters the mesh this cycle
  logic mesh_en;  // the mesh's operands move: rows in flight (or being cleared)
  logic wsel;     // WS weight bank of the presented row

  // WS output tags, aligned with the mesh latency.
  typedef struct packed {
    logic                valid;
    logic                we;
    logic                last;
    logic                accumulate;
    logic [AccAw-1:0]    addr;
  } tag_t;
  tag_t tag_in;
  tag_t tag_q [Lat];

  // Records of in-flight computes.
  logic rec_push, rec_pop, rec_empty, rec_full;
  logic [0:0] rec_unused_head;
  dep_t rec_unused_head_dep;

  gemmini_cmd_queue #(
    .Width(1),
    .Depth(RecDepth)
  ) u_records (
    .clk_i     (clk_i),
    .rst_ni    (rst_ni),
    .push_i    (rec_push),
    .wdata_i   (1'b0),
    .wdep_i    (head_dep_i),
    .pop_i     (rec_pop),
    .head_o    (rec_unused_head),
    .head_dep_o(rec_unused_head_dep),
    .empty_o   (rec_empty),
    .full_o    (rec_full),
    .dep_o     (rec_dep_o),
    .valid_o   (rec_valid_o)
  );

  // unit_free: the part the head needs is free (OS: the state machine; WS compute_preloaded:
  // the weight loader; compute_accumulated: the streamer, with no compute_preloaded before it).
  // can_start: it may start there (records, dataflow, weight bank).
  logic mesh_idle, can_start, bank_free, unit_free, str_free, wl_free;
  assign mesh_idle = rec_empty && mesh_busy_q == '0;
  assign bank_free = bank_busy_q[!cur_bank_q] == '0;
  assign str_free  = !str_valid_q;
  assign wl_free   = !stg_valid_q && (!wl_busy_q || wl_cnt_q == WlLast);
  always_comb begin
    if (!head_i.ws) unit_free = state_q == StIdle;
    else if (head_i.preloaded) unit_free = wl_free;
    else unit_free = !stg_valid_q && str_free;
    can_start = !rec_full;
    if (head_i.ws != mode_ws_q && !mesh_idle) can_start = 1'b0;
    if (!head_i.ws && !rec_empty) can_start = 1'b0;
    if (!head_i.ws && head_i.preloaded && mesh_busy_q != '0) can_start = 1'b0;
    if (head_i.ws && head_i.preloaded && !bank_free) can_start = 1'b0;
  end

  assign active_o      = state_q != StIdle || !rec_empty;
  assign idle_o        = state_q == StIdle && rec_empty;
  assign retire_o      = rec_pop;
  assign preload_haz_o = head_valid_i && unit_free && !can_start && head_i.ws && head_i.preloaded &&
                         !bank_free && !rec_full && (head_i.ws == mode_ws_q);
  assign overlap_haz_o = head_valid_i && unit_free && !can_start && !preload_haz_o;
  assign row_o         = present;

  always_comb begin
    state_d     = state_q;
    cmd_d       = cmd_q;
    cnt_d       = cnt_q;
    mode_ws_d   = mode_ws_q;
    cur_bank_d  = cur_bank_q;
    str_valid_d = str_valid_q;
    str_cmd_d   = str_cmd_q;
    str_cnt_d   = str_cnt_q;
    stg_valid_d = stg_valid_q;
    stg_cmd_d   = stg_cmd_q;
    wl_busy_d   = wl_busy_q;
    wl_bank_d   = wl_bank_q;
    wl_cnt_d    = wl_cnt_q;
    wl_addr_d   = wl_addr_q;
    wl_rows_d   = wl_rows_q;
    mesh_busy_d = (mesh_busy_q != '0) ? mesh_busy_q - 1'b1 : '0;
    for (int b = 0; b < 2; b++) bank_busy_d[b] = (bank_busy_q[b] != '0) ? bank_busy_q[b] - 1'b1 : '0;
    pop_o       = 1'b0;
    rec_push    = 1'b0;
    sp_re_o     = 1'b0;
    sp_raddr_o  = '0;
    sp_wre_o    = 1'b0;
    sp_wraddr_o = '0;
    mesh_clear  = 1'b0;
    w_we        = 1'b0;
    w_row       = '0;
    w_row_idx   = Iw'(wl_cnt_q - 1'b1);
    b_buf_we    = 1'b0;
    b_buf_clear = 1'b0;
    present     = 1'b0;
    os_row_sel  = Iw'(cnt_q);
    tag_in      = '0;
    rd          = '0;
    wsel        = cur_bank_q;

    // ---- WS weight loader ----
    if (wl_busy_q) begin
      w_we = 1'b1;
      if (wl_cnt_q <= wl_rows_q) w_row = sp_wrdata_i;
      if (wl_cnt_q < wl_rows_q) begin
        sp_wre_o    = 1'b1;
        sp_wraddr_o = SpAw'(wl_addr_q) + SpAw'(wl_cnt_q);
      end
      if (wl_cnt_q == WlLast) wl_busy_d = 1'b0;
      wl_cnt_d = wl_cnt_q + 1'b1;
    end
    if (head_valid_i && head_i.ws && head_i.preloaded && unit_free && can_start) begin
      pop_o       = 1'b1;
      rec_push    = 1'b1;
      mode_ws_d   = 1'b1;
      stg_valid_d = 1'b1;
      stg_cmd_d   = head_i;
      wl_busy_d   = 1'b1;
      wl_bank_d   = !cur_bank_q;
      wl_cnt_d    = LenWidth'(1);
      wl_addr_d   = head_i.w_addr;
      wl_rows_d   = head_i.w_rows;
      if (head_i.w_rows != '0) begin
        sp_wre_o    = 1'b1;
        sp_wraddr_o = SpAw'(head_i.w_addr);
      end
    end

    // ---- WS streamer: row str_cnt_q, or row 0 of the compute it starts ----
    if (str_valid_q) begin
      sp_re_o  = 1'b1;
      sp_raddr_o = SpAw'(str_cmd_q.a_addr) + SpAw'(str_cnt_q);
      rd.valid = 1'b1;
      rd.bank  = cur_bank_q;
      rd.we    = str_cnt_q < str_cmd_q.c_rows;
      rd.last  = str_cnt_q == str_cmd_q.rows - 1'b1;
      rd.accumulate = str_cmd_q.c_accumulate;
      rd.addr  = AccAw'(str_cmd_q.c_addr) + AccAw'(str_cnt_q);
      if (rd.last) str_valid_d = 1'b0;
      str_cnt_d = str_cnt_q + 1'b1;
    end else if (stg_valid_q || (head_valid_i && head_i.ws && !head_i.preloaded && unit_free && can_start)) begin
      if (stg_valid_q) begin
        str_cmd_d   = stg_cmd_q;
        stg_valid_d = 1'b0;
        cur_bank_d  = !cur_bank_q;
      end else begin
        str_cmd_d = head_i;
        pop_o     = 1'b1;
        rec_push  = 1'b1;
        mode_ws_d = 1'b1;
      end
      sp_re_o    = 1'b1;
      sp_raddr_o = SpAw'(str_cmd_d.a_addr);
      rd.valid   = 1'b1;
      rd.bank    = cur_bank_d;
      rd.we      = str_cmd_d.c_rows != '0;
      rd.last    = str_cmd_d.rows == LenWidth'(1);
      rd.accumulate = str_cmd_d.c_accumulate;
      rd.addr    = AccAw'(str_cmd_d.c_addr);
      str_valid_d = !rd.last;
      str_cnt_d   = LenWidth'(1);
    end

    // ---- WS: the row read last cycle enters the mesh ----
    if (pres_q.valid) begin
      present                 = 1'b1;
      wsel                    = pres_q.bank;
      mesh_busy_d             = BusyCycles;
      bank_busy_d[pres_q.bank] = BankBusyCycles;
      tag_in.valid      = 1'b1;
      tag_in.we         = pres_q.we;
      tag_in.last       = pres_q.last;
      tag_in.accumulate = pres_q.accumulate;
      tag_in.addr       = pres_q.addr;
    end

    // ---- OS ----
    unique case (state_q)
      StIdle: begin
        if (head_valid_i && !head_i.ws && unit_free && can_start) begin
          pop_o     = 1'b1;
          rec_push  = 1'b1;
          cmd_d     = head_i;
          cnt_d     = '0;
          mode_ws_d = 1'b0;
          state_d   = StLoadOperand;
        end
      end
      StLoadOperand: begin
        // Cycle c reads operand row c and writes row c-1 (read data arrives a cycle later).
        if (cnt_q == '0) begin
          b_buf_clear = 1'b1;
          mesh_clear  = cmd_q.preloaded;
        end
        if (cnt_q < cmd_q.rows) begin
          sp_re_o    = 1'b1;
          sp_raddr_o = SpAw'(cmd_q.b_addr) + SpAw'(cnt_q);
        end
        if (cnt_q != '0) b_buf_we = 1'b1;
        if (cnt_q == cmd_q.rows) begin
          cnt_d   = '0;
          state_d = StStream;
        end else begin
          cnt_d = cnt_q + 1'b1;
        end
      end
      StStream: begin
        // Cycle t reads A row t and presents row t-1.
        if (cnt_q < cmd_q.rows) begin
          sp_re_o    = 1'b1;
          sp_raddr_o = SpAw'(cmd_q.a_addr) + SpAw'(cnt_q);
        end
        if (cnt_q != '0) begin
          present     = 1'b1;
          mesh_busy_d = BusyCycles;
        end
        if (cnt_q == cmd_q.rows) begin
          cnt_d   = '0;
          state_d = (cmd_q.c_rows != '0) ? StOsWait : StIdle;
        end else begin
          cnt_d = cnt_q + 1'b1;
        end
      end
      StOsWait: begin
        if (cnt_q == OsWait) begin
          cnt_d   = '0;
          state_d = StOsDrain;
        end else begin
          cnt_d = cnt_q + 1'b1;
        end
      end
      StOsDrain: begin
        if (cnt_q == cmd_q.c_rows - 1'b1) state_d = StIdle;
        cnt_d = cnt_q + 1'b1;
      end
      default: state_d = StIdle;
    endcase
  end

  // Record retirement: WS at the last output write, OS at the end of the stream (no C) or drain.
  always_comb begin
    rec_pop = tag_q[Lat-1].valid && tag_q[Lat-1].last;
    if (state_q == StStream && cnt_q == cmd_q.rows && cmd_q.c_rows == '0) rec_pop = 1'b1;
    if (state_q == StOsDrain && cnt_q == cmd_q.c_rows - 1'b1) rec_pop = 1'b1;
  end

  // The mesh runs while rows are in it; once they have left (mesh_busy_q counted down) only
  // zeros would move, so it holds instead. After reset it runs for 2*Dim cycles to flush its
  // unreset registers with zeros.
  assign mesh_en = present || mesh_clear || mesh_busy_q != '0;

  // Mesh operands: zero unless a row is presented (OS accumulators must not see stale values).
  always_comb begin
    a_row = '0;
    b_row = '0;
    if (present) begin
      a_row = sp_rdata_i;
      if (!mode_ws_q) b_row = b_buf_q[Iw'(cnt_q - 1'b1)];
    end
  end

  // Accumulator writes: WS outputs, or the OS drain.
  always_comb begin
    if (state_q == StOsDrain) begin
      acc_we_o         = 1'b1;
      acc_accumulate_o = cmd_q.c_accumulate;
      acc_waddr_o      = AccAw'(cmd_q.c_addr) + AccAw'(cnt_q);
      acc_wdata_o      = os_row;
    end else begin
      acc_we_o         = tag_q[Lat-1].valid && tag_q[Lat-1].we;
      acc_accumulate_o = tag_q[Lat-1].accumulate;
      acc_waddr_o      = tag_q[Lat-1].addr;
      acc_wdata_o      = out_row;
    end
  end

  gemmini_mesh #(
    .Dim(Dim)
  ) u_mesh (
    .clk_i       (clk_i),
    .en_i        (mesh_en),
    .ws_i        (mode_ws_q),
    .clear_i     (mesh_clear),
    .a_row_i     (a_row),
    .wsel_i      (wsel),
    .b_row_i     (b_row),
    .w_we_i      (w_we),
    .w_bank_i    (wl_bank_q),
    .w_row_idx_i (w_row_idx),
    .w_row_i     (w_row),
    .out_row_o   (out_row),
    .os_read_i   (state_q == StOsDrain),
    .os_row_sel_i(os_row_sel),
    .os_row_o    (os_row)
  );

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q     <= StIdle;
      cmd_q       <= '0;
      cnt_q       <= '0;
      mode_ws_q   <= 1'b1;
      cur_bank_q  <= 1'b0;
      str_valid_q <= 1'b0;
      str_cmd_q   <= '0;
      str_cnt_q   <= '0;
      stg_valid_q <= 1'b0;
      stg_cmd_q   <= '0;
      wl_busy_q   <= 1'b0;
      wl_bank_q   <= 1'b0;
      wl_cnt_q    <= '0;
      wl_addr_q   <= '0;
      wl_rows_q   <= '0;
      pres_q      <= '0;
      mesh_busy_q <= BusyCycles;
      bank_busy_q[0] <= '0;
      bank_busy_q[1] <= '0;
      for (int s = 0; s < Lat; s++) tag_q[s] <= '0;
    end else begin
      state_q     <= state_d;
      cmd_q       <= cmd_d;
      cnt_q       <= cnt_d;
      mode_ws_q   <= mode_ws_d;
      cur_bank_q  <= cur_bank_d;
      str_valid_q <= str_valid_d;
      str_cmd_q   <= str_cmd_d;
      str_cnt_q   <= str_cnt_d;
      stg_valid_q <= stg_valid_d;
      stg_cmd_q   <= stg_cmd_d;
      wl_busy_q   <= wl_busy_d;
      wl_bank_q   <= wl_bank_d;
      wl_cnt_q    <= wl_cnt_d;
      wl_addr_q   <= wl_addr_d;
      wl_rows_q   <= wl_rows_d;
      pres_q      <= rd;
      mesh_busy_q <= mesh_busy_d;
      bank_busy_q[0] <= bank_busy_d[0];
      bank_busy_q[1] <= bank_busy_d[1];
      tag_q[0] <= tag_in;
      for (int s = 1; s < Lat; s++) tag_q[s] <= tag_q[s-1];
    end
  end

  // The B buffer is not reset: it is cleared before each OS compute loads it.
  always_ff @(posedge clk_i) begin
    if (b_buf_clear) begin
      for (int r = 0; r < Dim; r++) b_buf_q[r] <= '0;
    end else if (b_buf_we) begin
      b_buf_q[Iw'(cnt_q - 1'b1)] <= sp_rdata_i;
    end
  end

  // Invariants (checked when Verilated with --assert): the streamer and the OS state machine
  // never read in the same cycle, nor does the WS pipeline run in OS mode.
  OneStreamer: assert property (@(posedge clk_i) disable iff (!rst_ni)
    !((str_valid_q || stg_valid_q || wl_busy_q || pres_q.valid) && state_q != StIdle))
    else $error("WS streamer and OS state machine active together");
  WsInWsMode: assert property (@(posedge clk_i) disable iff (!rst_ni)
    (str_valid_q || stg_valid_q || pres_q.valid) |-> mode_ws_q)
    else $error("WS pipeline active in OS mode");

  logic unused_rec_head;
  assign unused_rec_head = rec_unused_head[0] ^ (|rec_unused_head_dep);
endmodule
