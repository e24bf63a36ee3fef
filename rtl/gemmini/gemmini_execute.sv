// Execute unit: runs computes (each merged with its preload by the decoder) on the mesh.
//   WS: two parts. The weight loader takes a compute_preloaded from the queue and writes its B
//     rows (read through the scratchpad's weight port) into the idle weight bank, mesh row k
//     in the k+1-th cycle after the pop (rows past w_rows get zeros), while the streamer still
//     streams earlier computes with the other bank. The streamer reads one A row per cycle, back
//     to back across computes (a compute_preloaded from the cycle after its pop: its row reaches
//     mesh row k after weight row k was written, as the weights flow down in Gemmini's PEs; a
//     compute_accumulated straight from the queue); each output row is written (or added) to
//     the accumulator 2*Dim-1 cycles after its A row entered the mesh.
//   OS: the streamer reads A row t (scratchpad port) and B row t (weight port) in the same cycle,
//     back to back across computes; a compute_preloaded's first row starts the PE sums from zero
//     and, when c_rows > 0, the last row copies them into the PEs' output registers. PE row i is
//     written to accumulator row c_addr + i Dim + i cycles after that row entered the mesh, while
//     the next compute streams. The last row of such a compute waits until Dim - 1 cycles after
//     the previous one's (its output registers are read by then).
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
  localparam int unsigned Lat = 2 * Dim - 1;  // A row in -> WS output row out, OS record retires
  localparam int unsigned OsOut = Dim - 1;    // OS: tag stage at which PE row 0 is read
  localparam logic [7:0] BusyCycles = 8'(2 * Dim);
  // A weight bank may be rewritten from Dim - 2 cycles after the last row that uses it entered
  // the mesh: weight row k is written in the k+1-th cycle of the load and that row leaves mesh
  // row k (PE (k, Dim-1)) k + Dim - 1 cycles after it entered.
  localparam logic [7:0] BankBusyCycles = 8'((Dim > 3) ? Dim - 3 : 0);
  localparam logic [LenWidth-1:0] WlLast = LenWidth'(Dim);
  // OS: a last row presented at T has its output registers read at T + Dim .. T + 2*Dim - 1 and
  // PE (i, 0) overwritten by the next last row T' at T' + i, so T' >= T + Dim: the next one is
  // read from T + Dim - 1 (out_busy is set to Dim - 2 at T).
  localparam logic [7:0] OutBusyCycles = 8'((Dim > 2) ? Dim - 2 : 0);

  logic mode_ws_q, mode_ws_d;          // dataflow the mesh currently runs
  logic cur_bank_q, cur_bank_d;        // WS weight bank of the rows the streamer reads
  logic [7:0] mesh_busy_q, mesh_busy_d;  // cycles until the last row left the mesh
  logic [7:0] bank_busy_q [2];
  logic [7:0] bank_busy_d [2];
  logic [7:0] out_busy_q, out_busy_d;  // OS: cycles until a last row with output may be read

  // Streamer: reads A row str_cnt_q of str_cmd_q while str_valid_q (row 0 is read in the cycle
  // it starts, unless held); the row enters the mesh the cycle after its read (pres_q).
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
    logic                bank;        // WS weight bank
    logic                we;          // WS: write its output row
    logic                last;        // the compute's last row: its record retires Lat later
    logic                first;       // OS: a compute_preloaded's first row
    logic                drain;       // OS: last row of a compute with c_rows > 0
    logic                accumulate;
    logic [AccAw-1:0]    addr;        // WS: its output row; OS: c_addr
    logic [LenWidth-1:0] c_rows;
  } rd_t;
  rd_t rd, pres_q;

  // Streamer candidate of this cycle.
  logic s_go, s_last, s_drain;
  ex_cmd_t s_cmd;
  logic [LenWidth-1:0] s_cnt;
  logic out_free;

  // Mesh inputs.
  logic w_we;
  logic [Dim*8-1:0] w_row;
  logic [Iw-1:0] w_row_idx;
  logic [Dim*8-1:0] a_row, b_row;
  logic [Dim*32-1:0] out_row, os_row;
  logic present;  // a row enters the mesh this cycle
  logic mesh_en;  // the mesh's operands move: rows in flight
  logic wsel;     // WS weight bank / OS first flag of the presented row

  // Output tags, aligned with the mesh latency (every presented row has one).
  typedef struct packed {
    logic                valid;
    logic                we;
    logic                last;
    logic                drain;
    logic                accumulate;
    logic [AccAw-1:0]    addr;
    logic [LenWidth-1:0] c_rows;
  } tag_t;
  tag_t tag_in;
  tag_t tag_q [Lat];

  // OS drain of PE rows 1 .. c_rows-1 (row 0 is written straight from the tag).
  logic dr_valid_q, dr_valid_d;
  logic [LenWidth-1:0] dr_cnt_q, dr_cnt_d, dr_rows_q, dr_rows_d;
  logic [AccAw-1:0] dr_addr_q, dr_addr_d;
  logic dr_acc_q, dr_acc_d;
  logic os_we, os_accumulate;
  logic [AccAw-1:0] os_addr;
  logic [Iw-1:0] os_row_sel;

  // Records of in-flight computes.
  logic rec_push, rec_pop, rec_empty, rec_full;
  logic [0:0] rec_unused_head;
  logic [0:0] rec_unused_data [RecDepth];
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
    .data_o    (rec_unused_data),
    .valid_o   (rec_valid_o)
  );

  // unit_free: the part the head needs is free (WS compute_preloaded: the weight loader; any
  // other: the streamer, with no compute_preloaded before it). can_start: it may start there
  // (records, dataflow, weight bank).
  logic mesh_idle, can_start, bank_free, unit_free, str_free, wl_free;
  assign mesh_idle = rec_empty && mesh_busy_q == '0;
  assign bank_free = bank_busy_q[!cur_bank_q] == '0;
  assign str_free  = !str_valid_q;
  assign wl_free   = !stg_valid_q && (!wl_busy_q || wl_cnt_q == WlLast);
  assign out_free  = !(pres_q.valid && pres_q.drain) && out_busy_q == '0;
  always_comb begin
    if (head_i.ws && head_i.preloaded) unit_free = wl_free;
    else unit_free = !stg_valid_q && str_free;
    can_start = !rec_full;
    if (head_i.ws != mode_ws_q && !mesh_idle) can_start = 1'b0;
    if (head_i.ws && head_i.preloaded && !bank_free) can_start = 1'b0;
  end

  assign active_o      = !rec_empty;
  assign idle_o        = rec_empty;
  assign retire_o      = rec_pop;
  assign preload_haz_o = head_valid_i && unit_free && !can_start && head_i.ws && head_i.preloaded &&
                         !bank_free && !rec_full && (head_i.ws == mode_ws_q);
  assign overlap_haz_o = head_valid_i && unit_free && !can_start && !preload_haz_o;
  assign row_o         = present;

  always_comb begin
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
    out_busy_d  = (out_busy_q != '0) ? out_busy_q - 1'b1 : '0;
    for (int b = 0; b < 2; b++) bank_busy_d[b] = (bank_busy_q[b] != '0) ? bank_busy_q[b] - 1'b1 : '0;
    pop_o       = 1'b0;
    rec_push    = 1'b0;
    sp_re_o     = 1'b0;
    sp_raddr_o  = '0;
    sp_wre_o    = 1'b0;
    sp_wraddr_o = '0;
    w_we        = 1'b0;
    w_row       = '0;
    w_row_idx   = Iw'(wl_cnt_q - 1'b1);
    present     = 1'b0;
    tag_in      = '0;
    rd          = '0;
    wsel        = mode_ws_q ? cur_bank_q : 1'b0;
    s_go        = 1'b0;
    s_cmd       = str_cmd_q;
    s_cnt       = str_cnt_q;
    s_last      = 1'b0;
    s_drain     = 1'b0;

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

    // ---- Streamer: row str_cnt_q, or row 0 of the compute it starts ----
    if (str_valid_q) begin
      s_go = 1'b1;
    end else if (stg_valid_q) begin
      s_go        = 1'b1;
      s_cmd       = stg_cmd_q;
      s_cnt       = '0;
      str_cmd_d   = stg_cmd_q;
      stg_valid_d = 1'b0;
      cur_bank_d  = !cur_bank_q;
    end else if (head_valid_i && !(head_i.ws && head_i.preloaded) && unit_free && can_start) begin
      s_go      = 1'b1;
      s_cmd     = head_i;
      s_cnt     = '0;
      str_cmd_d = head_i;
      pop_o     = 1'b1;
      rec_push  = 1'b1;
      mode_ws_d = head_i.ws;
    end
    s_last  = s_cnt == s_cmd.rows - 1'b1;
    s_drain = !s_cmd.ws && s_last && s_cmd.c_rows != '0;
    if (s_go && s_drain && !out_free) begin
      // OS: the previous output registers are still to be read; hold the last row.
      str_valid_d = 1'b1;
      str_cnt_d   = s_cnt;
    end else if (s_go) begin
      sp_re_o    = 1'b1;
      sp_raddr_o = SpAw'(s_cmd.a_addr) + SpAw'(s_cnt);
      if (!s_cmd.ws) begin  // OS: B row t through the weight port (the loader is idle)
        sp_wre_o    = 1'b1;
        sp_wraddr_o = SpAw'(s_cmd.b_addr) + SpAw'(s_cnt);
      end
      rd.valid      = 1'b1;
      rd.bank       = cur_bank_d;
      rd.we         = s_cmd.ws && s_cnt < s_cmd.c_rows;
      rd.last       = s_last;
      rd.first      = !s_cmd.ws && s_cmd.preloaded && s_cnt == '0;
      rd.drain      = s_drain;
      rd.accumulate = s_cmd.c_accumulate;
      rd.addr       = AccAw'(s_cmd.c_addr) + (s_cmd.ws ? AccAw'(s_cnt) : '0);
      rd.c_rows     = s_cmd.c_rows;
      str_valid_d   = !s_last;
      str_cnt_d     = s_cnt + 1'b1;
    end

    // ---- The row read last cycle enters the mesh ----
    if (pres_q.valid) begin
      present     = 1'b1;
      wsel        = mode_ws_q ? pres_q.bank : pres_q.first;
      mesh_busy_d = BusyCycles;
      if (mode_ws_q) bank_busy_d[pres_q.bank] = BankBusyCycles;
      if (pres_q.drain) out_busy_d = OutBusyCycles;
      tag_in.valid      = 1'b1;
      tag_in.we         = pres_q.we;
      tag_in.last       = pres_q.last;
      tag_in.drain      = pres_q.drain;
      tag_in.accumulate = pres_q.accumulate;
      tag_in.addr       = pres_q.addr;
      tag_in.c_rows     = pres_q.c_rows;
    end
  end

  // OS drain: PE row i of a last row presented at T is written at T + Dim + i.
  always_comb begin
    dr_valid_d    = dr_valid_q;
    dr_cnt_d      = dr_cnt_q;
    dr_rows_d     = dr_rows_q;
    dr_addr_d     = dr_addr_q;
    dr_acc_d      = dr_acc_q;
    os_we         = 1'b0;
    os_accumulate = dr_acc_q;
    os_addr       = dr_addr_q + AccAw'(dr_cnt_q);
    os_row_sel    = Iw'(dr_cnt_q);
    if (tag_q[OsOut].valid && tag_q[OsOut].drain) begin
      os_we         = 1'b1;
      os_accumulate = tag_q[OsOut].accumulate;
      os_addr       = tag_q[OsOut].addr;
      os_row_sel    = '0;
      dr_valid_d    = tag_q[OsOut].c_rows > LenWidth'(1);
      dr_cnt_d      = LenWidth'(1);
      dr_rows_d     = tag_q[OsOut].c_rows;
      dr_addr_d     = tag_q[OsOut].addr;
      dr_acc_d      = tag_q[OsOut].accumulate;
    end else if (dr_valid_q) begin
      os_we    = 1'b1;
      dr_cnt_d = dr_cnt_q + 1'b1;
      if (dr_cnt_q == dr_rows_q - 1'b1) dr_valid_d = 1'b0;
    end
  end

  // Records retire in order, Lat cycles after their last row entered the mesh (WS: its last
  // output write; OS: after the drain's last row).
  assign rec_pop = tag_q[Lat-1].valid && tag_q[Lat-1].last;

  // The mesh runs while rows are in it; once they have left (mesh_busy_q counted down) only
  // zeros would move, so it holds instead. After reset it runs for 2*Dim cycles to flush its
  // unreset registers with zeros.
  assign mesh_en = present || mesh_busy_q != '0;

  // Mesh operands: zero unless a row is presented (OS accumulators must not see stale values).
  always_comb begin
    a_row = '0;
    b_row = '0;
    if (present) begin
      a_row = sp_rdata_i;
      if (!mode_ws_q) b_row = sp_wrdata_i;
    end
  end

  // Accumulator writes: WS outputs, or the OS drain.
  always_comb begin
    if (os_we) begin
      acc_we_o         = 1'b1;
      acc_accumulate_o = os_accumulate;
      acc_waddr_o      = os_addr;
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
    .a_row_i     (a_row),
    .wsel_i      (wsel),
    .last_i      (present && !mode_ws_q && pres_q.drain),
    .b_row_i     (b_row),
    .w_we_i      (w_we),
    .w_bank_i    (wl_bank_q),
    .w_row_idx_i (w_row_idx),
    .w_row_i     (w_row),
    .out_row_o   (out_row),
    .os_read_i   (os_we),
    .os_row_sel_i(os_row_sel),
    .os_row_o    (os_row)
  );

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
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
      out_busy_q  <= '0;
      bank_busy_q[0] <= '0;
      bank_busy_q[1] <= '0;
      dr_valid_q  <= 1'b0;
      dr_cnt_q    <= '0;
      dr_rows_q   <= '0;
      dr_addr_q   <= '0;
      dr_acc_q    <= 1'b0;
      for (int s = 0; s < Lat; s++) tag_q[s] <= '0;
    end else begin
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
      out_busy_q  <= out_busy_d;
      bank_busy_q[0] <= bank_busy_d[0];
      bank_busy_q[1] <= bank_busy_d[1];
      dr_valid_q  <= dr_valid_d;
      dr_cnt_q    <= dr_cnt_d;
      dr_rows_q   <= dr_rows_d;
      dr_addr_q   <= dr_addr_d;
      dr_acc_q    <= dr_acc_d;
      tag_q[0] <= tag_in;
      for (int s = 1; s < Lat; s++) tag_q[s] <= tag_q[s-1];
    end
  end

  // Invariants (checked when Verilated with --assert): the WS weight loader runs only in WS mode
  // (the OS stream uses its port), a row enters the mesh in the dataflow it was read for, and OS
  // drains neither overlap each other nor a WS output write.
  WlInWsMode: assert property (@(posedge clk_i) disable iff (!rst_ni)
    (stg_valid_q || wl_busy_q) |-> mode_ws_q)
    else $error("WS weight loader active in OS mode");
  RowInItsMode: assert property (@(posedge clk_i) disable iff (!rst_ni)
    (pres_q.valid && (pres_q.first || pres_q.drain)) |-> !mode_ws_q)
    else $error("OS row presented in WS mode");
  logic drain_tag, ws_out_we;
  assign drain_tag = tag_q[OsOut].valid && tag_q[OsOut].drain;
  assign ws_out_we = tag_q[Lat-1].valid && tag_q[Lat-1].we;
  OneDrain: assert property (@(posedge clk_i) disable iff (!rst_ni) !(drain_tag && dr_valid_q))
    else $error("OS drains overlap");
  DrainAlone: assert property (@(posedge clk_i) disable iff (!rst_ni) !(os_we && ws_out_we))
    else $error("OS drain and WS output write in the same cycle");

  logic unused_rec_head, unused_s_cmd;
  assign unused_rec_head = rec_unused_head[0] ^ (|rec_unused_head_dep);
  assign unused_s_cmd    = ^{s_cmd.w_addr, s_cmd.w_rows};  // the weight loader reads them
endmodule
