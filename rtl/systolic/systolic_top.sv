// The systolic array accelerator: command port and dispatcher, load / compute / store queues and
// units, IBUF / WBUF / OBUF double buffers with full flags, one external memory port shared by
// the two DMA units (stores have priority), and performance counters.
module systolic_top import systolic_pkg::*; #(
  parameter int unsigned Rows       = 4,
  parameter int unsigned Cols       = 4,
  parameter int unsigned IbufDepth  = 256,
  parameter int unsigned WbufDepth  = 256,
  parameter int unsigned ObufDepth  = 256,
  parameter int unsigned QueueDepth = 4,
  // External memory data port: MaxBurst beats, each an OBUF entry (Cols int32) or an IBUF entry,
  // whichever is wider; beat j at byte j*MemBytes.
  localparam int unsigned MemBytes  = (Rows > 4 * Cols) ? Rows : 4 * Cols,
  localparam int unsigned MemWidth  = MaxBurst * MemBytes * 8
) (
  input  logic                    clk_i,
  input  logic                    rst_ni,
  input  logic                    cfg_ws_i,         // dataflow: 0 = OS, 1 = WS; set during reset, hold
  input  logic [BurstLog2Width-1:0] cfg_burst_log2_i, // DMA burst: 2^this entries per request; likewise

  // Commands in program order (valid/ready). cmd_ready_o depends on cmd_op_i only.
  input  logic                    cmd_valid_i,
  output logic                    cmd_ready_o,
  input  logic [1:0]              cmd_op_i,         // opcode_e
  input  logic [CmdArgsWidth-1:0] cmd_args_i,

  // External memory: requests (valid/ready), in-order responses (valid/ready; always ready).
  output logic                    mem_req_valid_o,
  input  logic                    mem_req_ready_i,
  output logic                    mem_req_write_o,
  output logic [AddrWidth-1:0]    mem_req_addr_o,
  output logic [LenWidth-1:0]     mem_req_bytes_o,  // per beat
  output logic [LenWidth-1:0]     mem_req_beats_o,  // entries (beats) of the burst, <= 2^cfg_burst_log2_i
  output logic [AddrWidth-1:0]    mem_req_stride_o, // beat i at mem_req_addr_o + i * stride
  output logic                    mem_req_tag_o,    // mem_tag_e, echoed on the response
  output logic [MemWidth-1:0]     mem_req_wdata_o,
  input  logic                    mem_rsp_valid_i,
  output logic                    mem_rsp_ready_o,
  input  logic                    mem_rsp_tag_i,
  input  logic [MemWidth-1:0]     mem_rsp_rdata_i,

  output logic                    idle_o,           // queues empty, units idle, no write in flight
  // Per unit (0 load, 1 compute, 2 store): it finishes its oldest command this cycle (the pop).
  output logic [2:0]              retire_o,

  // Performance counters (cycles unless named otherwise), cleared by reset.
  output logic [CntWidth-1:0]     cnt_cycles_o,
  output logic [CntWidth-1:0]     cnt_dispatch_stall_o,
  output logic [CntWidth-1:0]     cnt_load_busy_o,
  output logic [CntWidth-1:0]     cnt_load_stall_o,
  output logic [CntWidth-1:0]     cnt_compute_busy_o,
  output logic [CntWidth-1:0]     cnt_compute_stall_load_o,
  output logic [CntWidth-1:0]     cnt_compute_stall_store_o,
  output logic [CntWidth-1:0]     cnt_store_busy_o,
  output logic [CntWidth-1:0]     cnt_store_stall_o,
  output logic [CntWidth-1:0]     cnt_mem_reads_o,     // read requests
  output logic [CntWidth-1:0]     cnt_mem_writes_o,    // write requests
  output logic [CntWidth-1:0]     cnt_mem_conflict_o   // load request held back by a store
);
  localparam int unsigned IbufAw = (IbufDepth > 1) ? $clog2(IbufDepth) : 1;
  localparam int unsigned WbufAw = (WbufDepth > 1) ? $clog2(WbufDepth) : 1;
  localparam int unsigned ObufAw = (ObufDepth > 1) ? $clog2(ObufDepth) : 1;
  localparam int unsigned LoadEntryBytes = (Rows > Cols) ? Rows : Cols;
  localparam int unsigned LoadAw = (IbufAw > WbufAw) ? IbufAw : WbufAw;

  // The dataflow is registered: the array then depends on no top-level input combinationally
  // (Verilator re-evaluates such logic on every eval() of the model).
  logic ws_q;
  logic [BurstLog2Width-1:0] burst_log2_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      ws_q         <= 1'b0;
      burst_log2_q <= '0;
    end else begin
      ws_q         <= cfg_ws_i;
      burst_log2_q <= cfg_burst_log2_i;
    end
  end

  // -----------------------------------------------------------------------------------------------
  // Dispatcher: decode the command and push it into its unit's queue.
  // -----------------------------------------------------------------------------------------------
  logic [ArgWidth-1:0] arg [NumArgs];
  for (genvar i = 0; i < NumArgs; i++) begin : g_arg
    assign arg[i] = cmd_args_i[i*ArgWidth +: ArgWidth];
  end

  load_cmd_t    load_in, load_head;
  compute_cmd_t compute_in, compute_head;
  store_cmd_t   store_in, store_head;

  assign load_in = '{
    wbuf:   arg[0][0],
    half:   arg[1][0],
    addr:   arg[2],
    rows:   arg[3][LenWidth-1:0],
    bytes:  arg[4][LenWidth-1:0],
    stride: arg[5],
    reps:   arg[6][LenWidth-1:0],
    rep_stride: arg[7]
  };
  assign compute_in = '{
    a_half:    arg[0][0],
    b_half:    arg[1][0],
    o_half:    arg[2][0],
    k_len:     arg[3][LenWidth-1:0],
    m_len:     arg[4][LenWidth-1:0],
    first:     arg[5][0],
    last:      arg[6][0],
    release_a: arg[7][0],
    release_b: arg[8][0],
    b_off:     arg[9][LenWidth-1:0],
    a_off:     arg[10][LenWidth-1:0]
  };
  assign store_in = '{
    half:   arg[0][0],
    addr:   arg[1],
    rows:   arg[2][LenWidth-1:0],
    elems:  arg[3][LenWidth-1:0],
    stride: arg[4]
  };

  logic load_full, compute_full, store_full;
  logic load_empty, compute_empty, store_empty;
  logic load_pop, compute_pop, store_pop;
  logic push_load, push_compute, push_store;

  always_comb begin
    unique case (opcode_e'(cmd_op_i))
      OpDmaLoad:  cmd_ready_o = !load_full;
      OpCompute:  cmd_ready_o = !compute_full;
      OpDmaStore: cmd_ready_o = !store_full;
      default:    cmd_ready_o = 1'b1;  // unknown opcodes are dropped (the driver never sends them)
    endcase
  end
  assign push_load    = cmd_valid_i && cmd_ready_o && (opcode_e'(cmd_op_i) == OpDmaLoad);
  assign push_compute = cmd_valid_i && cmd_ready_o && (opcode_e'(cmd_op_i) == OpCompute);
  assign push_store   = cmd_valid_i && cmd_ready_o && (opcode_e'(cmd_op_i) == OpDmaStore);

  // The load unit reads the commands behind the head (loads in flight): every slot is visible.
  localparam int unsigned LoadQw = (QueueDepth > 1) ? $clog2(QueueDepth) : 1;
  logic [$bits(load_cmd_t)-1:0] load_slots [QueueDepth];
  logic [QueueDepth-1:0] load_valid;
  logic [LoadQw-1:0] load_head_ptr;
  acv_slot_fifo #(
    .Width($bits(load_cmd_t)),
    .Depth(QueueDepth)
  ) u_load_queue (
    .clk_i     (clk_i),
    .rst_ni    (rst_ni),
    .push_i    (push_load),
    .wdata_i   (load_in),
    .pop_i     (load_pop),
    .head_o    (load_head),
    .head_ptr_o(load_head_ptr),
    .empty_o   (load_empty),
    .full_o    (load_full),
    .slots_o   (load_slots),
    .valid_o   (load_valid)
  );

  acv_fifo #(
    .Width($bits(compute_cmd_t)),
    .Depth(QueueDepth)
  ) u_compute_queue (
    .clk_i  (clk_i),
    .rst_ni (rst_ni),
    .push_i (push_compute),
    .wdata_i(compute_in),
    .pop_i  (compute_pop),
    .rdata_o(compute_head),
    .empty_o(compute_empty),
    .full_o (compute_full)
  );

  acv_fifo #(
    .Width($bits(store_cmd_t)),
    .Depth(QueueDepth)
  ) u_store_queue (
    .clk_i  (clk_i),
    .rst_ni (rst_ni),
    .push_i (push_store),
    .wdata_i(store_in),
    .pop_i  (store_pop),
    .rdata_o(store_head),
    .empty_o(store_empty),
    .full_o (store_full)
  );

  // -----------------------------------------------------------------------------------------------
  // Full flags: the only synchronisation between the units.
  // -----------------------------------------------------------------------------------------------
  logic [1:0] ibuf_full_q, wbuf_full_q, obuf_full_q;
  logic [1:0] ibuf_full_d, wbuf_full_d, obuf_full_d;
  logic load_set_full, release_a, release_b, set_obuf_full, store_clear_full;
  logic obuf_whalf, obuf_rhalf;  // the compute unit's OBUF half (a WS tail outlives its command)

  always_comb begin
    ibuf_full_d = ibuf_full_q;
    wbuf_full_d = wbuf_full_q;
    obuf_full_d = obuf_full_q;
    if (release_a) ibuf_full_d[compute_head.a_half] = 1'b0;
    if (release_b) wbuf_full_d[compute_head.b_half] = 1'b0;
    if (load_set_full && !load_head.wbuf) ibuf_full_d[load_head.half] = 1'b1;
    if (load_set_full && load_head.wbuf) wbuf_full_d[load_head.half] = 1'b1;
    if (store_clear_full) obuf_full_d[store_head.half] = 1'b0;
    if (set_obuf_full) obuf_full_d[obuf_whalf] = 1'b1;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      ibuf_full_q <= '0;
      wbuf_full_q <= '0;
      obuf_full_q <= '0;
    end else begin
      ibuf_full_q <= ibuf_full_d;
      wbuf_full_q <= wbuf_full_d;
      obuf_full_q <= obuf_full_d;
    end
  end

  // -----------------------------------------------------------------------------------------------
  // Buffers
  // -----------------------------------------------------------------------------------------------
  logic load_we;
  logic [LoadAw-1:0] load_waddr;
  logic [LoadEntryBytes*8-1:0] load_wdata;
  logic ibuf_re, wbuf_re, obuf_re, obuf_we, store_re;
  logic [IbufAw-1:0] ibuf_raddr;
  logic [WbufAw-1:0] wbuf_raddr;
  logic [ObufAw-1:0] obuf_raddr, obuf_waddr, store_raddr;
  logic [Rows*8-1:0] ibuf_rdata;
  logic [Cols*8-1:0] wbuf_rdata;
  logic [Cols*32-1:0] obuf_wdata, obuf_rdata, store_rdata;
  logic [Rows*8-1:0] unused_ibuf_b;
  logic [Cols*8-1:0] unused_wbuf_b;

  acv_double_buffer #(
    .Width(Rows * 8),
    .Depth(IbufDepth)
  ) u_ibuf (
    .clk_i    (clk_i),
    .rst_ni   (rst_ni),
    .we_i     (load_we && !load_head.wbuf),
    .whalf_i  (load_head.half),
    .waddr_i  (IbufAw'(load_waddr)),
    .wdata_i  (load_wdata[Rows*8-1:0]),
    .re_a_i   (ibuf_re),
    .rhalf_a_i(compute_head.a_half),
    .raddr_a_i(ibuf_raddr),
    .rdata_a_o(ibuf_rdata),
    .re_b_i   (1'b0),
    .rhalf_b_i(1'b0),
    .raddr_b_i('0),
    .rdata_b_o(unused_ibuf_b)
  );

  acv_double_buffer #(
    .Width(Cols * 8),
    .Depth(WbufDepth)
  ) u_wbuf (
    .clk_i    (clk_i),
    .rst_ni   (rst_ni),
    .we_i     (load_we && load_head.wbuf),
    .whalf_i  (load_head.half),
    .waddr_i  (WbufAw'(load_waddr)),
    .wdata_i  (load_wdata[Cols*8-1:0]),
    .re_a_i   (wbuf_re),
    .rhalf_a_i(compute_head.b_half),
    .raddr_a_i(wbuf_raddr),
    .rdata_a_o(wbuf_rdata),
    .re_b_i   (1'b0),
    .rhalf_b_i(1'b0),
    .raddr_b_i('0),
    .rdata_b_o(unused_wbuf_b)
  );

  // OBUF: port A is the compute unit's (WS accumulation), port B the store unit's.
  acv_double_buffer #(
    .Width(Cols * 32),
    .Depth(ObufDepth)
  ) u_obuf (
    .clk_i    (clk_i),
    .rst_ni   (rst_ni),
    .we_i     (obuf_we),
    .whalf_i  (obuf_whalf),
    .waddr_i  (obuf_waddr),
    .wdata_i  (obuf_wdata),
    .re_a_i   (obuf_re),
    .rhalf_a_i(obuf_rhalf),
    .raddr_a_i(obuf_raddr),
    .rdata_a_o(obuf_rdata),
    .re_b_i   (store_re),
    .rhalf_b_i(store_head.half),
    .raddr_b_i(store_raddr),
    .rdata_b_o(store_rdata)
  );

  // -----------------------------------------------------------------------------------------------
  // Units
  // -----------------------------------------------------------------------------------------------
  logic load_req_valid, load_req_ready, store_req_valid, store_req_ready;
  logic load_rsp_valid, store_rsp_valid, mem_conflict;
  logic [AddrWidth-1:0] load_req_addr, store_req_addr, load_req_stride;
  logic [LenWidth-1:0] load_req_bytes, store_req_bytes, load_req_beats, store_req_beats;
  logic [MemWidth-1:0] store_req_data;
  logic arb_wdata_unused;
  logic load_idle, load_busy, load_stall;
  logic compute_idle, compute_busy, compute_stall_load, compute_stall_store;
  logic store_idle, store_busy, store_stall;

  systolic_load #(
    .EntryBytes(LoadEntryBytes),
    .BeatBytes (MemBytes),
    .Aw        (LoadAw),
    .Depth     (QueueDepth)
  ) u_load (
    .clk_i      (clk_i),
    .rst_ni     (rst_ni),
    .burst_log2_i(burst_log2_q),
    .slots_i    (load_slots),
    .slot_valid_i(load_valid),
    .head_ptr_i (load_head_ptr),
    .cmd_valid_i(!load_empty),
    .cmd_i      (load_head),
    .cmd_pop_o  (load_pop),
    .ibuf_full_i(ibuf_full_q),
    .wbuf_full_i(wbuf_full_q),
    .set_full_o (load_set_full),
    .req_valid_o(load_req_valid),
    .req_ready_i(load_req_ready),
    .req_addr_o (load_req_addr),
    .req_bytes_o(load_req_bytes),
    .req_beats_o(load_req_beats),
    .req_stride_o(load_req_stride),
    .rsp_valid_i(load_rsp_valid),
    .rsp_data_i (mem_rsp_rdata_i),
    .buf_we_o   (load_we),
    .buf_waddr_o(load_waddr),
    .buf_wdata_o(load_wdata),
    .idle_o     (load_idle),
    .busy_o     (load_busy),
    .stall_o    (load_stall)
  );

  systolic_compute #(
    .Rows  (Rows),
    .Cols  (Cols),
    .IbufAw(IbufAw),
    .WbufAw(WbufAw),
    .ObufAw(ObufAw)
  ) u_compute (
    .clk_i          (clk_i),
    .rst_ni         (rst_ni),
    .ws_i           (ws_q),
    .cmd_valid_i    (!compute_empty),
    .cmd_i          (compute_head),
    .cmd_pop_o      (compute_pop),
    .ibuf_full_i    (ibuf_full_q),
    .wbuf_full_i    (wbuf_full_q),
    .obuf_full_i    (obuf_full_q),
    .release_a_o    (release_a),
    .release_b_o    (release_b),
    .set_obuf_full_o(set_obuf_full),
    .ibuf_re_o      (ibuf_re),
    .ibuf_raddr_o   (ibuf_raddr),
    .ibuf_rdata_i   (ibuf_rdata),
    .wbuf_re_o      (wbuf_re),
    .wbuf_raddr_o   (wbuf_raddr),
    .wbuf_rdata_i   (wbuf_rdata),
    .obuf_we_o      (obuf_we),
    .obuf_waddr_o   (obuf_waddr),
    .obuf_wdata_o   (obuf_wdata),
    .obuf_re_o      (obuf_re),
    .obuf_raddr_o   (obuf_raddr),
    .obuf_whalf_o   (obuf_whalf),
    .obuf_rhalf_o   (obuf_rhalf),
    .obuf_rdata_i   (obuf_rdata),
    .idle_o         (compute_idle),
    .busy_o         (compute_busy),
    .stall_load_o   (compute_stall_load),
    .stall_store_o  (compute_stall_store)
  );

  systolic_store #(
    .EntryBytes(Cols * 4),
    .BeatBytes (MemBytes),
    .Aw        (ObufAw)
  ) u_store (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .burst_log2_i(burst_log2_q),
    .cmd_valid_i (!store_empty),
    .cmd_i       (store_head),
    .cmd_pop_o   (store_pop),
    .obuf_full_i (obuf_full_q),
    .clear_full_o(store_clear_full),
    .buf_re_o    (store_re),
    .buf_raddr_o (store_raddr),
    .buf_rdata_i (store_rdata),
    .req_valid_o (store_req_valid),
    .req_ready_i (store_req_ready),
    .req_addr_o  (store_req_addr),
    .req_bytes_o (store_req_bytes),
    .req_beats_o (store_req_beats),
    .req_data_o  (store_req_data),
    .ack_valid_i (store_rsp_valid),
    .idle_o      (store_idle),
    .busy_o      (store_busy),
    .stall_o     (store_stall)
  );

  // External memory port: the store unit first (it frees OBUF halves); responses are always
  // accepted (the units take a response in the cycle it arrives).
  acv_mem_arbiter #(
    .AddrWidth(AddrWidth),
    .LenWidth (LenWidth),
    .DataWidth(1)
  ) u_mem_arbiter (
    .clk_i          (clk_i),
    .rst_ni         (rst_ni),
    .rd_req_valid_i (load_req_valid),
    .rd_req_ready_o (load_req_ready),
    .rd_req_addr_i  (load_req_addr),
    .rd_req_bytes_i (load_req_bytes),
    .rd_rsp_valid_o (load_rsp_valid),
    .rd_rsp_ready_i (1'b1),
    .wr_req_valid_i (store_req_valid),
    .wr_req_ready_o (store_req_ready),
    .wr_req_addr_i  (store_req_addr),
    .wr_req_bytes_i (store_req_bytes),
    .wr_req_wdata_i (1'b0),
    .wr_rsp_valid_o (store_rsp_valid),
    .wr_rsp_ready_i (1'b1),
    .mem_req_valid_o(mem_req_valid_o),
    .mem_req_ready_i(mem_req_ready_i),
    .mem_req_write_o(mem_req_write_o),
    .mem_req_addr_o (mem_req_addr_o),
    .mem_req_bytes_o(mem_req_bytes_o),
    .mem_req_tag_o  (mem_req_tag_o),
    .mem_req_wdata_o(arb_wdata_unused),
    .mem_rsp_valid_i(mem_rsp_valid_i),
    .mem_rsp_ready_o(mem_rsp_ready_o),
    .mem_rsp_tag_i  (mem_rsp_tag_i),
    .conflict_o     (mem_conflict)
  );

  // The burst's write data bypasses the arbiter (which only ever passes the write port's data
  // through): its $stable check on a multi-kbit vector is miscompiled by Verilator 5.006, so the
  // data is held to its request here, against a register, by an immediate assertion.
  assign mem_req_wdata_o = store_req_data;
  logic [MemWidth-1:0] wdata_q;
  logic wr_held_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      wr_held_q <= 1'b0;
    end else begin
      wr_held_q <= store_req_valid && !store_req_ready;
    end
  end
  always_ff @(posedge clk_i) begin
    if (store_req_valid) wdata_q <= store_req_data;
    if (wr_held_q) begin
      WriteDataStable: assert (store_req_data == wdata_q)
        else $error("write burst data changed before the request was accepted");
    end
  end

  // The burst shape travels beside the arbiter's request, from the same winner (store first).
  assign mem_req_beats_o  = store_req_valid ? store_req_beats : load_req_beats;
  assign mem_req_stride_o = store_req_valid ? store_head.stride : load_req_stride;

  assign idle_o = load_empty && compute_empty && store_empty && load_idle && compute_idle && store_idle;
  // Each unit pops its command at the command's last cycle (acv diff's end events).
  assign retire_o = {store_pop, compute_pop, load_pop};

  // -----------------------------------------------------------------------------------------------
  // Performance counters
  // -----------------------------------------------------------------------------------------------
  localparam int unsigned NumCnt = 12;
  logic [NumCnt-1:0] cnt_inc;
  logic [CntWidth-1:0] cnt_q [NumCnt];

  assign cnt_inc = {
    mem_conflict,                                          // 11 mem_conflict
    store_req_valid && store_req_ready,                    // 10 mem_writes
    load_req_valid && load_req_ready,                      //  9 mem_reads
    store_stall,                                           //  8
    store_busy,                                            //  7
    compute_stall_store,                                   //  6
    compute_stall_load,                                    //  5
    compute_busy,                                          //  4
    load_stall,                                            //  3
    load_busy,                                             //  2
    cmd_valid_i && !cmd_ready_o,                           //  1 dispatch_stall
    1'b1                                                   //  0 cycles
  };

  acv_counters #(
    .NumCnt  (NumCnt),
    .CntWidth(CntWidth)
  ) u_counters (
    .clk_i  (clk_i),
    .rst_ni (rst_ni),
    .inc_i  (cnt_inc),
    .count_o(cnt_q)
  );

  assign cnt_cycles_o              = cnt_q[0];
  assign cnt_dispatch_stall_o      = cnt_q[1];
  assign cnt_load_busy_o           = cnt_q[2];
  assign cnt_load_stall_o          = cnt_q[3];
  assign cnt_compute_busy_o        = cnt_q[4];
  assign cnt_compute_stall_load_o  = cnt_q[5];
  assign cnt_compute_stall_store_o = cnt_q[6];
  assign cnt_store_busy_o          = cnt_q[7];
  assign cnt_store_stall_o         = cnt_q[8];
  assign cnt_mem_reads_o           = cnt_q[9];
  assign cnt_mem_writes_o          = cnt_q[10];
  assign cnt_mem_conflict_o        = cnt_q[11];

  // Argument bits beyond each field's width are ignored (the driver checks the ranges);
  // IBUF/WBUF have no second reader.
  logic unused_bits;
  assign unused_bits = ^cmd_args_i ^ ^unused_ibuf_b ^ ^unused_wbuf_b ^ arb_wdata_unused;

  // Command port invariant (checked when Verilated with --assert): the host holds a command,
  // unchanged, until it is accepted.
  CmdStable: assert property (@(posedge clk_i) disable iff (!rst_ni)
      cmd_valid_i && !cmd_ready_o |=> cmd_valid_i && $stable(cmd_op_i) && $stable(cmd_args_i))
    else $error("command withdrawn or changed before it was accepted");
endmodule
