// The Gemmini-like accelerator: command decoder, load / execute / store queues with the
// dependency tracker, the three units, banked scratchpad and accumulator, one external memory
// port shared by the two DMA units (stores first), and performance counters.
//
// Decoder: config_ld / config_st / config_ex / preload only update decoder registers, which
// travel with the next commands (stride with mvin / mvout, activation and shift with mvout,
// dataflow and the preload's B and C with the compute), so no unit needs another unit's
// configuration. flush is accepted once every unit is idle.
// Tracker: a queue head may start when no command of another unit that is still in flight
// conflicts with it (queued commands only count if they are older); see models/gemmini/README.md.
module gemmini_top import gemmini_pkg::*; #(
  parameter int unsigned Dim          = 4,
  parameter int unsigned SpRows       = 4096,
  parameter int unsigned SpBanks      = 4,
  parameter int unsigned AccRows      = 256,
  parameter int unsigned AccBanks     = 2,
  parameter int unsigned LdQueueDepth = 8,
  parameter int unsigned ExQueueDepth = 8,
  parameter int unsigned StQueueDepth = 2,
  localparam int unsigned MemBytes    = 4 * Dim,
  localparam int unsigned MemWidth    = MemBytes * 8
) (
  input  logic                    clk_i,
  input  logic                    rst_ni,

  // Commands in program order (valid/ready). cmd_ready_o depends on cmd_op_i only.
  input  logic                    cmd_valid_i,
  output logic                    cmd_ready_o,
  input  logic [3:0]              cmd_op_i,         // opcode_e
  input  logic [CmdArgsWidth-1:0] cmd_args_i,

  // External memory: requests (valid/ready), in-order responses (valid/ready).
  output logic                    mem_req_valid_o,
  input  logic                    mem_req_ready_i,
  output logic                    mem_req_write_o,
  output logic [AddrWidth-1:0]    mem_req_addr_o,
  output logic [15:0]             mem_req_bytes_o,
  output logic                    mem_req_tag_o,    // mem_tag_e, echoed on the response
  output logic [MemWidth-1:0]     mem_req_wdata_o,
  input  logic                    mem_rsp_valid_i,
  output logic                    mem_rsp_ready_o,
  input  logic                    mem_rsp_tag_i,
  input  logic [MemWidth-1:0]     mem_rsp_rdata_i,

  output logic                    idle_o,           // queues empty, units idle
  // Per unit (0 load, 1 store, 2 execute): it finishes its oldest command this cycle.
  output logic [2:0]              retire_o,

  // Performance counters (cycles unless named otherwise), cleared by reset. Names follow
  // Gemmini's CounterEvent where one matches.
  output logic [CntWidth-1:0]     cnt_cycles_o,
  output logic [CntWidth-1:0]     cnt_cmd_stall_o,            // a command waits for queue space or flush
  output logic [CntWidth-1:0]     cnt_load_active_o,          // LOAD_ACTIVE_CYCLE
  output logic [CntWidth-1:0]     cnt_load_dma_wait_o,        // LOAD_DMA_WAIT_CYCLE
  output logic [CntWidth-1:0]     cnt_load_dep_wait_o,        // head blocked by the tracker
  output logic [CntWidth-1:0]     cnt_store_active_o,         // STORE_ACTIVE_CYCLE
  output logic [CntWidth-1:0]     cnt_store_dma_wait_o,       // STORE_DMA_WAIT_CYCLE
  output logic [CntWidth-1:0]     cnt_store_dep_wait_o,
  output logic [CntWidth-1:0]     cnt_exe_active_o,           // EXE_ACTIVE_CYCLE
  output logic [CntWidth-1:0]     cnt_exe_dep_wait_o,
  output logic [CntWidth-1:0]     cnt_exe_preload_haz_o,      // EXE_PRELOAD_HAZ_CYCLE
  output logic [CntWidth-1:0]     cnt_exe_overlap_haz_o,      // EXE_OVERLAP_HAZ_CYCLE
  output logic [CntWidth-1:0]     cnt_mesh_rows_o,            // A rows streamed into the mesh
  output logic [CntWidth-1:0]     cnt_spad_bank_conflict_o,   // store read lost its bank to execute
  output logic [CntWidth-1:0]     cnt_acc_bank_conflict_o,    // load write lost its bank to execute
  output logic [CntWidth-1:0]     cnt_mem_reads_o,            // read requests
  output logic [CntWidth-1:0]     cnt_mem_writes_o            // write requests
);
  localparam int unsigned SpAw  = $clog2(SpRows);
  localparam int unsigned AccAw = $clog2(AccRows);

  // -----------------------------------------------------------------------------------------------
  // Decoder
  // -----------------------------------------------------------------------------------------------
  logic [ArgWidth-1:0] arg [NumArgs];
  for (genvar i = 0; i < NumArgs; i++) begin : g_arg
    assign arg[i] = cmd_args_i[i*ArgWidth +: ArgWidth];
  end

  logic [AddrWidth-1:0] ld_stride_q, st_stride_q;
  logic relu_q, ws_q;
  logic [4:0] shift_q;
  logic [LocalAw-1:0] pre_b_addr_q, pre_c_addr_q;
  logic [LenWidth-1:0] pre_b_rows_q, pre_c_rows_q;
  logic pre_c_acc_q;
  logic [SeqWidth-1:0] seq_q;

  logic ld_full, ex_full, st_full, ld_empty, ex_empty, st_empty;
  logic all_idle, cmd_fire, push_ld, push_ex, push_st;
  ld_cmd_t ld_in, ld_head;
  st_cmd_t st_in, st_head;
  ex_cmd_t ex_in, ex_head;
  dep_t ld_dep_in, st_dep_in, ex_dep_in, ld_head_dep, st_head_dep, ex_head_dep;
  dep_t ld_deps [LdQueueDepth];
  dep_t st_deps [StQueueDepth];
  dep_t ex_deps [ExQueueDepth];
  logic [LdQueueDepth-1:0] ld_valid;
  logic [StQueueDepth-1:0] st_valid;
  logic [ExQueueDepth-1:0] ex_valid;
  localparam int unsigned RecDepth = 4;
  dep_t rec_deps [RecDepth];
  logic [RecDepth-1:0] rec_valid;
  logic ld_active, st_active, ex_idle;

  always_comb begin
    unique case (opcode_e'(cmd_op_i))
      OpMvin:               cmd_ready_o = !ld_full;
      OpMvout:              cmd_ready_o = !st_full;
      OpComputePreloaded,
      OpComputeAccumulated: cmd_ready_o = !ex_full;
      OpFlush:              cmd_ready_o = all_idle;
      default:              cmd_ready_o = 1'b1;  // configs and preload; unknown opcodes are dropped
    endcase
  end
  assign cmd_fire = cmd_valid_i && cmd_ready_o;
  assign push_ld  = cmd_fire && opcode_e'(cmd_op_i) == OpMvin;
  assign push_st  = cmd_fire && opcode_e'(cmd_op_i) == OpMvout;
  assign push_ex  = cmd_fire && (opcode_e'(cmd_op_i) == OpComputePreloaded ||
                                 opcode_e'(cmd_op_i) == OpComputeAccumulated);

  function automatic range_t mk_range(logic [LocalAw-1:0] addr, logic [LenWidth-1:0] len);
    range_t r;
    r.addr = addr;
    r.len  = len;
    return r;
  endfunction

  always_comb begin
    ld_in = '{
      dram_addr:  arg[0],
      local_addr: LocalAw'(arg[1]),
      to_acc:     arg[2][0],
      rows:       LenWidth'(arg[3]),
      cols:       LenWidth'(arg[4]),
      stride:     ld_stride_q
    };
    st_in = '{
      dram_addr:  arg[0],
      local_addr: LocalAw'(arg[1]),
      from_acc:   arg[2][0],
      full:       arg[3][0],
      rows:       LenWidth'(arg[4]),
      cols:       LenWidth'(arg[5]),
      stride:     st_stride_q,
      relu:       relu_q,
      shift:      shift_q
    };
    ex_in = '{
      ws:           ws_q,
      preloaded:    opcode_e'(cmd_op_i) == OpComputePreloaded,
      a_addr:       LocalAw'(arg[0]),
      b_addr:       LocalAw'(arg[1]),
      rows:         LenWidth'(arg[2]),
      w_addr:       pre_b_addr_q,
      w_rows:       pre_b_rows_q,
      c_addr:       pre_c_addr_q,
      c_rows:       pre_c_rows_q,
      c_accumulate: pre_c_acc_q
    };
    ld_dep_in = '0;
    ld_dep_in.seq = seq_q;
    if (arg[2][0]) ld_dep_in.r.acc_wr = mk_range(LocalAw'(arg[1]), LenWidth'(arg[3]));
    else ld_dep_in.r.sp_wr = mk_range(LocalAw'(arg[1]), LenWidth'(arg[3] * ((arg[4] + Dim - 1) / Dim)));  // all blocks
    st_dep_in = '0;
    st_dep_in.seq = seq_q;
    if (arg[2][0]) st_dep_in.r.acc_rd = mk_range(LocalAw'(arg[1]), LenWidth'(arg[4]));
    else st_dep_in.r.sp_rd0 = mk_range(LocalAw'(arg[1]), LenWidth'(arg[4]));
    ex_dep_in = '0;
    ex_dep_in.seq = seq_q;
    ex_dep_in.r.sp_rd0 = mk_range(LocalAw'(arg[0]), LenWidth'(arg[2]));
    if (!ws_q) ex_dep_in.r.sp_rd1 = mk_range(LocalAw'(arg[1]), LenWidth'(arg[2]));
    else if (opcode_e'(cmd_op_i) == OpComputePreloaded) begin
      ex_dep_in.r.sp_rd1.addr = pre_b_addr_q;
      ex_dep_in.r.sp_rd1.len  = pre_b_rows_q;
    end
    ex_dep_in.r.acc_wr.addr = pre_c_addr_q;
    ex_dep_in.r.acc_wr.len  = pre_c_rows_q;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      ld_stride_q  <= '0;
      st_stride_q  <= '0;
      relu_q       <= 1'b0;
      shift_q      <= '0;
      ws_q         <= 1'b1;
      pre_b_addr_q <= '0;
      pre_b_rows_q <= '0;
      pre_c_addr_q <= '0;
      pre_c_rows_q <= '0;
      pre_c_acc_q  <= 1'b0;
      seq_q        <= '0;
    end else if (cmd_fire) begin
      unique case (opcode_e'(cmd_op_i))
        OpConfigEx: begin
          ws_q    <= arg[0][0];
          relu_q  <= arg[1][0];
          shift_q <= arg[2][4:0];
        end
        OpConfigLd: ld_stride_q <= arg[0];
        OpConfigSt: st_stride_q <= arg[0];
        OpPreload: begin
          pre_b_addr_q <= LocalAw'(arg[0]);
          pre_b_rows_q <= LenWidth'(arg[1]);
          pre_c_addr_q <= LocalAw'(arg[2]);
          pre_c_rows_q <= LenWidth'(arg[3]);
          pre_c_acc_q  <= arg[4][0];
        end
        default: ;
      endcase
      if (push_ld || push_st || push_ex) seq_q <= seq_q + 1'b1;
    end
  end

  // -----------------------------------------------------------------------------------------------
  // Queues
  // -----------------------------------------------------------------------------------------------
  logic ld_done, st_done, ex_pop, ex_retire;

  localparam int unsigned LdAw = (LdQueueDepth > 1) ? $clog2(LdQueueDepth) : 1;
  // The load unit reads its queue's mvins by slot (those behind the head are in flight); the
  // store and execute units only their heads.
  logic [$bits(ld_cmd_t)-1:0] ld_cmds [LdQueueDepth];
  logic [$bits(st_cmd_t)-1:0] st_unused_cmds [StQueueDepth];
  logic [$bits(ex_cmd_t)-1:0] ex_unused_cmds [ExQueueDepth];
  /* verilator lint_off UNUSEDSIGNAL */  // the load head's dependency record: the tracker reads ld_deps
  logic unused_ld_head_dep;
  /* verilator lint_on UNUSEDSIGNAL */
  gemmini_cmd_queue #(.Width($bits(ld_cmd_t)), .Depth(LdQueueDepth)) u_ld_queue (
    .clk_i(clk_i), .rst_ni(rst_ni), .push_i(push_ld), .wdata_i(ld_in), .wdep_i(ld_dep_in),
    .pop_i(ld_done), .head_o(ld_head), .head_dep_o(ld_head_dep), .empty_o(ld_empty), .full_o(ld_full),
    .dep_o(ld_deps), .data_o(ld_cmds), .valid_o(ld_valid)
  );
  assign unused_ld_head_dep = ^ld_head_dep;
  gemmini_cmd_queue #(.Width($bits(st_cmd_t)), .Depth(StQueueDepth)) u_st_queue (
    .clk_i(clk_i), .rst_ni(rst_ni), .push_i(push_st), .wdata_i(st_in), .wdep_i(st_dep_in),
    .pop_i(st_done), .head_o(st_head), .head_dep_o(st_head_dep), .empty_o(st_empty), .full_o(st_full),
    .dep_o(st_deps), .data_o(st_unused_cmds), .valid_o(st_valid)
  );
  gemmini_cmd_queue #(.Width($bits(ex_cmd_t)), .Depth(ExQueueDepth)) u_ex_queue (
    .clk_i(clk_i), .rst_ni(rst_ni), .push_i(push_ex), .wdata_i(ex_in), .wdep_i(ex_dep_in),
    .pop_i(ex_pop), .head_o(ex_head), .head_dep_o(ex_head_dep), .empty_o(ex_empty), .full_o(ex_full),
    .dep_o(ex_deps), .data_o(ex_unused_cmds), .valid_o(ex_valid)
  );

  // -----------------------------------------------------------------------------------------------
  // Dependency tracker. Load and store commands stay in their queue until done, so their queue
  // holds every in-flight one (the load unit starts the entry behind its started mvins while they
  // wait for rows: ld_issue_ptr); computes move to the execute unit's records when they start.
  // An in-flight command never conflicts with a younger queued one (that one would have waited),
  // so records and active heads need no age check; queued entries count only when older.
  // -----------------------------------------------------------------------------------------------
  logic ld_blocked, st_blocked, ex_blocked;
  logic [LdAw-1:0] ld_issue_ptr;
  logic ld_issue_free, ld_next_valid;
  dep_t ld_next_dep;
  // The load unit's next entry: queued, not started, and the request side free.
  assign ld_next_valid = ld_issue_free && ld_valid[ld_issue_ptr];
  assign ld_next_dep   = ld_deps[ld_issue_ptr];
  // Each head is checked only while it waits to start (saves simulation time while units run).
  always_comb begin
    ld_blocked = 1'b0;
    if (ld_next_valid) begin
      for (int i = 0; i < ExQueueDepth; i++)
        if (ex_valid[i] && older(ex_deps[i].seq, ld_next_dep.seq) && conflicts(ld_next_dep.r, ex_deps[i].r))
          ld_blocked = 1'b1;
      for (int i = 0; i < RecDepth; i++)
        if (rec_valid[i] && conflicts(ld_next_dep.r, rec_deps[i].r)) ld_blocked = 1'b1;
      for (int i = 0; i < StQueueDepth; i++)
        if (st_valid[i] && older(st_deps[i].seq, ld_next_dep.seq) && conflicts(ld_next_dep.r, st_deps[i].r))
          ld_blocked = 1'b1;
    end
  end
  always_comb begin
    st_blocked = 1'b0;
    if (!st_active && !st_empty) begin
      for (int i = 0; i < ExQueueDepth; i++)
        if (ex_valid[i] && older(ex_deps[i].seq, st_head_dep.seq) && conflicts(st_head_dep.r, ex_deps[i].r))
          st_blocked = 1'b1;
      for (int i = 0; i < RecDepth; i++)
        if (rec_valid[i] && conflicts(st_head_dep.r, rec_deps[i].r)) st_blocked = 1'b1;
      for (int i = 0; i < LdQueueDepth; i++)
        if (ld_valid[i] && older(ld_deps[i].seq, st_head_dep.seq) && conflicts(st_head_dep.r, ld_deps[i].r))
          st_blocked = 1'b1;
    end
  end
  always_comb begin
    ex_blocked = 1'b0;
    if (!ex_empty) begin
      for (int i = 0; i < StQueueDepth; i++)
        if (st_valid[i] && older(st_deps[i].seq, ex_head_dep.seq) && conflicts(ex_head_dep.r, st_deps[i].r))
          ex_blocked = 1'b1;
      for (int i = 0; i < LdQueueDepth; i++)
        if (ld_valid[i] && older(ld_deps[i].seq, ex_head_dep.seq) && conflicts(ex_head_dep.r, ld_deps[i].r))
          ex_blocked = 1'b1;
    end
  end

  // -----------------------------------------------------------------------------------------------
  // Units and memories
  // -----------------------------------------------------------------------------------------------
  logic ld_req_valid, ld_req_ready, ld_rsp_ready, ld_dma_wait;
  logic [AddrWidth-1:0] ld_req_addr;
  logic [15:0] ld_req_bytes;
  logic st_req_valid, st_req_ready, st_dma_wait;
  logic ld_rsp_valid, st_rsp_valid;
  /* verilator lint_off UNUSEDSIGNAL */  // the gemmini counters have no port-conflict count
  logic unused_mem_conflict;
  /* verilator lint_on UNUSEDSIGNAL */
  logic [AddrWidth-1:0] st_req_addr;
  logic [15:0] st_req_bytes;
  logic [MemWidth-1:0] st_req_wdata;
  logic ld_acc_we, ld_acc_gnt;
  logic [3:0] ld_sp_we;
  logic [SpAw-1:0] ld_sp_waddr [4];
  logic [AccAw-1:0] ld_acc_waddr;
  logic [Dim*8-1:0] ld_sp_wdata [4];
  logic [Dim*32-1:0] ld_acc_wdata;
  logic st_sp_re, st_sp_gnt, st_acc_re;
  logic [SpAw-1:0] st_sp_raddr;
  logic [AccAw-1:0] st_acc_raddr;
  logic [Dim*8-1:0] st_sp_rdata;
  logic [Dim*32-1:0] st_acc_rdata;
  logic ex_sp_re, ex_acc_we, ex_acc_accumulate;
  logic [SpAw-1:0] ex_sp_raddr;
  logic [Dim*8-1:0] ex_sp_rdata;
  logic ex_sp_wre;
  logic [SpAw-1:0] ex_sp_wraddr;
  logic [Dim*8-1:0] ex_sp_wrdata;
  logic [AccAw-1:0] ex_acc_waddr;
  logic [Dim*32-1:0] ex_acc_wdata;
  logic ex_active, ex_preload_haz, ex_overlap_haz, ex_row;

  gemmini_load #(.Dim(Dim), .SpRows(SpRows), .AccRows(AccRows), .Depth(LdQueueDepth)) u_load (
    .clk_i      (clk_i),
    .rst_ni     (rst_ni),
    .issue_ptr_o(ld_issue_ptr),
    .issue_free_o(ld_issue_free),
    .cmds_i     (ld_cmds),
    .head_cmd_i (ld_head),
    .start_i    (ld_next_valid && !ld_blocked),
    .done_o     (ld_done),
    .active_o   (ld_active),
    .dma_wait_o (ld_dma_wait),
    .req_valid_o(ld_req_valid),
    .req_ready_i(ld_req_ready),
    .req_addr_o (ld_req_addr),
    .req_bytes_o(ld_req_bytes),
    .rsp_valid_i(ld_rsp_valid),
    .rsp_rdata_i(mem_rsp_rdata_i),
    .rsp_ready_o(ld_rsp_ready),
    .sp_we_o    (ld_sp_we),
    .sp_waddr_o (ld_sp_waddr),
    .sp_wdata_o (ld_sp_wdata),
    .acc_we_o   (ld_acc_we),
    .acc_waddr_o(ld_acc_waddr),
    .acc_wdata_o(ld_acc_wdata),
    .acc_gnt_i  (ld_acc_gnt)
  );

  gemmini_store #(.Dim(Dim), .SpRows(SpRows), .AccRows(AccRows)) u_store (
    .clk_i      (clk_i),
    .rst_ni     (rst_ni),
    .start_i    (!st_empty && !st_blocked),
    .cmd_i      (st_head),
    .done_o     (st_done),
    .active_o   (st_active),
    .dma_wait_o (st_dma_wait),
    .req_valid_o(st_req_valid),
    .req_ready_i(st_req_ready),
    .req_addr_o (st_req_addr),
    .req_bytes_o(st_req_bytes),
    .req_wdata_o(st_req_wdata),
    .rsp_valid_i(st_rsp_valid),
    .sp_re_o    (st_sp_re),
    .sp_raddr_o (st_sp_raddr),
    .sp_gnt_i   (st_sp_gnt),
    .sp_rdata_i (st_sp_rdata),
    .acc_re_o   (st_acc_re),
    .acc_raddr_o(st_acc_raddr),
    .acc_rdata_i(st_acc_rdata)
  );

  gemmini_execute #(.Dim(Dim), .SpRows(SpRows), .AccRows(AccRows), .RecDepth(RecDepth)) u_execute (
    .clk_i           (clk_i),
    .rst_ni          (rst_ni),
    .head_valid_i    (!ex_empty && !ex_blocked),
    .head_i          (ex_head),
    .head_dep_i      (ex_head_dep),
    .pop_o           (ex_pop),
    .retire_o        (ex_retire),
    .rec_dep_o       (rec_deps),
    .rec_valid_o     (rec_valid),
    .idle_o          (ex_idle),
    .sp_re_o         (ex_sp_re),
    .sp_raddr_o      (ex_sp_raddr),
    .sp_rdata_i      (ex_sp_rdata),
    .sp_wre_o        (ex_sp_wre),
    .sp_wraddr_o     (ex_sp_wraddr),
    .sp_wrdata_i     (ex_sp_wrdata),
    .acc_we_o        (ex_acc_we),
    .acc_accumulate_o(ex_acc_accumulate),
    .acc_waddr_o     (ex_acc_waddr),
    .acc_wdata_o     (ex_acc_wdata),
    .active_o        (ex_active),
    .preload_haz_o   (ex_preload_haz),
    .overlap_haz_o   (ex_overlap_haz),
    .row_o           (ex_row)
  );

  gemmini_spad #(.Dim(Dim), .Rows(SpRows), .Banks(SpBanks)) u_spad (
    .clk_i     (clk_i),
    .rst_ni    (rst_ni),
    .we_i      (ld_sp_we),
    .waddr_i   (ld_sp_waddr),
    .wdata_i   (ld_sp_wdata),
    .ex_re_i   (ex_sp_re),
    .ex_raddr_i(ex_sp_raddr),
    .ex_rdata_o(ex_sp_rdata),
    .w_re_i    (ex_sp_wre),
    .w_raddr_i (ex_sp_wraddr),
    .w_rdata_o (ex_sp_wrdata),
    .st_re_i   (st_sp_re),
    .st_raddr_i(st_sp_raddr),
    .st_gnt_o  (st_sp_gnt),
    .st_rdata_o(st_sp_rdata)
  );

  gemmini_acc #(.Dim(Dim), .Rows(AccRows), .Banks(AccBanks)) u_acc (
    .clk_i          (clk_i),
    .rst_ni         (rst_ni),
    .ex_we_i        (ex_acc_we),
    .ex_accumulate_i(ex_acc_accumulate),
    .ex_waddr_i     (ex_acc_waddr),
    .ex_wdata_i     (ex_acc_wdata),
    .ld_we_i        (ld_acc_we),
    .ld_waddr_i     (ld_acc_waddr),
    .ld_wdata_i     (ld_acc_wdata),
    .ld_gnt_o       (ld_acc_gnt),
    .st_re_i        (st_acc_re),
    .st_raddr_i     (st_acc_raddr),
    .st_rdata_o     (st_acc_rdata)
  );

  // External memory port: the store unit first (it frees accumulator rows), then the load unit.
  // Store acknowledgements are always accepted; load data when the load unit can write it.
  acv_mem_arbiter #(
    .AddrWidth(AddrWidth),
    .LenWidth (16),
    .DataWidth(MemWidth)
  ) u_mem_arbiter (
    .clk_i          (clk_i),
    .rst_ni         (rst_ni),
    .rd_req_valid_i (ld_req_valid),
    .rd_req_ready_o (ld_req_ready),
    .rd_req_addr_i  (ld_req_addr),
    .rd_req_bytes_i (ld_req_bytes),
    .rd_rsp_valid_o (ld_rsp_valid),
    .rd_rsp_ready_i (ld_rsp_ready),
    .wr_req_valid_i (st_req_valid),
    .wr_req_ready_o (st_req_ready),
    .wr_req_addr_i  (st_req_addr),
    .wr_req_bytes_i (st_req_bytes),
    .wr_req_wdata_i (st_req_wdata),
    .wr_rsp_valid_o (st_rsp_valid),
    .wr_rsp_ready_i (1'b1),
    .mem_req_valid_o(mem_req_valid_o),
    .mem_req_ready_i(mem_req_ready_i),
    .mem_req_write_o(mem_req_write_o),
    .mem_req_addr_o (mem_req_addr_o),
    .mem_req_bytes_o(mem_req_bytes_o),
    .mem_req_tag_o  (mem_req_tag_o),
    .mem_req_wdata_o(mem_req_wdata_o),
    .mem_rsp_valid_i(mem_rsp_valid_i),
    .mem_rsp_ready_o(mem_rsp_ready_o),
    .mem_rsp_tag_i  (mem_rsp_tag_i),
    .conflict_o     (unused_mem_conflict)
  );

  assign all_idle = ld_empty && st_empty && ex_empty && ex_idle;
  assign idle_o   = all_idle;
  // acv diff's end events: a load or store pops its queue when done, a compute retires its record.
  assign retire_o = {ex_retire, st_done, ld_done};

  // -----------------------------------------------------------------------------------------------
  // Performance counters
  // -----------------------------------------------------------------------------------------------
  localparam int unsigned NumCnt = 17;
  logic [CntWidth-1:0] cnt_q [NumCnt];
  logic [NumCnt-1:0] event_inc;
  always_comb begin
    event_inc[0]  = 1'b1;
    event_inc[1]  = cmd_valid_i && !cmd_ready_o;
    event_inc[2]  = ld_active;
    event_inc[3]  = ld_dma_wait;
    event_inc[4]  = ld_next_valid && ld_blocked;
    event_inc[5]  = st_active;
    event_inc[6]  = st_dma_wait;
    event_inc[7]  = !st_active && !st_empty && st_blocked;
    event_inc[8]  = ex_active;
    event_inc[9]  = !ex_empty && ex_blocked;
    event_inc[10] = ex_preload_haz;
    event_inc[11] = ex_overlap_haz;
    event_inc[12] = ex_row;
    event_inc[13] = st_sp_re && !st_sp_gnt;
    event_inc[14] = ld_acc_we && !ld_acc_gnt;
    event_inc[15] = mem_req_valid_o && mem_req_ready_i && !mem_req_write_o;
    event_inc[16] = mem_req_valid_o && mem_req_ready_i && mem_req_write_o;
  end
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      for (int i = 0; i < NumCnt; i++) cnt_q[i] <= '0;
    end else begin
      for (int i = 0; i < NumCnt; i++) if (event_inc[i]) cnt_q[i] <= cnt_q[i] + 1'b1;
    end
  end
  assign cnt_cycles_o             = cnt_q[0];
  assign cnt_cmd_stall_o          = cnt_q[1];
  assign cnt_load_active_o        = cnt_q[2];
  assign cnt_load_dma_wait_o      = cnt_q[3];
  assign cnt_load_dep_wait_o      = cnt_q[4];
  assign cnt_store_active_o       = cnt_q[5];
  assign cnt_store_dma_wait_o     = cnt_q[6];
  assign cnt_store_dep_wait_o     = cnt_q[7];
  assign cnt_exe_active_o         = cnt_q[8];
  assign cnt_exe_dep_wait_o       = cnt_q[9];
  assign cnt_exe_preload_haz_o    = cnt_q[10];
  assign cnt_exe_overlap_haz_o    = cnt_q[11];
  assign cnt_mesh_rows_o          = cnt_q[12];
  assign cnt_spad_bank_conflict_o = cnt_q[13];
  assign cnt_acc_bank_conflict_o  = cnt_q[14];
  assign cnt_mem_reads_o          = cnt_q[15];
  assign cnt_mem_writes_o         = cnt_q[16];

  // Command port invariant (checked when Verilated with --assert): the host holds a command,
  // unchanged, until it is accepted.
  CmdStable: assert property (@(posedge clk_i) disable iff (!rst_ni)
      cmd_valid_i && !cmd_ready_o |=> cmd_valid_i && $stable(cmd_op_i) && $stable(cmd_args_i))
    else $error("command withdrawn or changed before it was accepted");
endmodule
