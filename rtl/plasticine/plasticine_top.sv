// The plasticine CGRA: a Rows x Cols checkerboard of Units PCUs and Units PMUs, a command port
// and dispatcher with load / compute / store queues, the static interconnect (a route register
// per PCU naming the PMU that feeds it, written by route commands), the lock-step compute
// controller, DRAM address generators for loads and stores on one shared memory port (stores
// first), full flags per half, and performance counters.
module plasticine_top import plasticine_pkg::*; #(
  parameter int unsigned Rows       = 4,
  parameter int unsigned Cols       = 4,
  parameter int unsigned Lanes      = 16,
  parameter int unsigned Stages     = 6,
  parameter int unsigned BankDepth  = 4096,
  parameter int unsigned OutDepth   = 512,
  parameter int unsigned BurstBytes = 64,
  parameter int unsigned QueueDepth = 16,
  localparam int unsigned Units     = Rows * Cols / 2,
  localparam int unsigned MemWidth  = BurstBytes * 8
) (
  input  logic                    clk_i,
  input  logic                    rst_ni,

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
  output logic [LenWidth-1:0]     mem_req_bytes_o,
  output logic                    mem_req_tag_o,    // 0 load, 1 store; echoed on the response
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
  output logic [CntWidth-1:0]     cnt_compute_stall_credit_o,
  output logic [CntWidth-1:0]     cnt_pcu_busy_o,      // cycles the PCUs' first stage holds a vector
  output logic [CntWidth-1:0]     cnt_pmu_busy_o,      // cycles a PMU port is used
  output logic [CntWidth-1:0]     cnt_store_busy_o,
  output logic [CntWidth-1:0]     cnt_store_stall_o,
  output logic [CntWidth-1:0]     cnt_mem_reads_o,     // read requests
  output logic [CntWidth-1:0]     cnt_mem_writes_o,    // write requests
  output logic [CntWidth-1:0]     cnt_mem_conflict_o   // load request held back by a store
);
  localparam int unsigned HalfAw       = $clog2(BankDepth / 2);
  localparam int unsigned OutAw        = $clog2(OutDepth);
  localparam int unsigned WriteEntries = BurstBytes / Lanes;
  localparam int unsigned VecWidth     = Lanes * 8;
  localparam int unsigned FifoDepth    = 4;
  localparam logic [UnitWidth-1:0] LastUnit = UnitWidth'(Units - 1);
  localparam int unsigned UnitAw = (Units > 1) ? $clog2(Units) : 1;  // index into the unit arrays

  // -----------------------------------------------------------------------------------------------
  // Dispatcher
  // -----------------------------------------------------------------------------------------------
  logic [ArgWidth-1:0] arg [NumArgs];
  for (genvar i = 0; i < NumArgs; i++) begin : g_arg
    assign arg[i] = cmd_args_i[i*ArgWidth +: ArgWidth];
  end

  load_cmd_t    load_in, load_head;
  compute_cmd_t compute_in, compute_head;
  store_cmd_t   store_in, store_head;
  logic is_route;
  assign is_route = (opcode_e'(cmd_op_i) == OpRoute);

  assign load_in = '{
    pmu:       arg[0][UnitWidth-1:0],
    bcast:     arg[1][0],
    half:      arg[2][0],
    entry:     arg[3][LenWidth-1:0],
    addr:      arg[4],
    rows:      arg[5][LenWidth-1:0],
    row_bytes: arg[6][LenWidth-1:0],
    stride:    arg[7],
    fill:      arg[8][0]
  };
  // route: pcu, pmu; compute: half, o_half, a_entry, b_entry, m_len, n_len, k_chunks, k_len, o_stride.
  assign compute_in = '{
    is_route: is_route,
    pcu:      arg[0][UnitWidth-1:0],
    pmu:      arg[1][UnitWidth-1:0],
    half:     arg[0][0],
    o_half:   arg[1][0],
    a_entry:  arg[2][LenWidth-1:0],
    b_entry:  arg[3][LenWidth-1:0],
    m_len:    arg[4][LenWidth-1:0],
    n_len:    arg[5][LenWidth-1:0],
    k_chunks: arg[6][LenWidth-1:0],
    k_len:    arg[7][LenWidth-1:0],
    o_stride: arg[8][LenWidth-1:0]
  };
  assign store_in = '{
    pcu:          arg[0][UnitWidth-1:0],
    half:         arg[1][0],
    addr:         arg[2],
    rows:         arg[3][LenWidth-1:0],
    cols:         arg[4][LenWidth-1:0],
    stride:       arg[5],
    o_stride:     arg[6][LenWidth-1:0],
    release_half: arg[7][0]
  };

  logic load_full, compute_full, store_full;
  logic load_empty, compute_empty, store_empty;
  logic load_pop, compute_pop, store_pop;
  logic push_load, push_compute, push_store;

  always_comb begin
    unique case (opcode_e'(cmd_op_i))
      OpLoad:             cmd_ready_o = !load_full;
      OpRoute, OpCompute: cmd_ready_o = !compute_full;
      OpStore:            cmd_ready_o = !store_full;
      default:            cmd_ready_o = 1'b1;
    endcase
  end
  assign push_load    = cmd_valid_i && cmd_ready_o && (opcode_e'(cmd_op_i) == OpLoad);
  assign push_compute = cmd_valid_i && cmd_ready_o &&
                        (opcode_e'(cmd_op_i) == OpCompute || opcode_e'(cmd_op_i) == OpRoute);
  assign push_store   = cmd_valid_i && cmd_ready_o && (opcode_e'(cmd_op_i) == OpStore);

  acv_fifo #(.Width($bits(load_cmd_t)), .Depth(QueueDepth)) u_load_queue (
    .clk_i(clk_i), .rst_ni(rst_ni), .push_i(push_load), .wdata_i(load_in), .pop_i(load_pop),
    .rdata_o(load_head), .empty_o(load_empty), .full_o(load_full));
  acv_fifo #(.Width($bits(compute_cmd_t)), .Depth(QueueDepth)) u_compute_queue (
    .clk_i(clk_i), .rst_ni(rst_ni), .push_i(push_compute), .wdata_i(compute_in), .pop_i(compute_pop),
    .rdata_o(compute_head), .empty_o(compute_empty), .full_o(compute_full));
  acv_fifo #(.Width($bits(store_cmd_t)), .Depth(QueueDepth)) u_store_queue (
    .clk_i(clk_i), .rst_ni(rst_ni), .push_i(push_store), .wdata_i(store_in), .pop_i(store_pop),
    .rdata_o(store_head), .empty_o(store_empty), .full_o(store_full));

  // -----------------------------------------------------------------------------------------------
  // Full flags per half (PMU operands, PCU outputs): the only synchronisation between the units.
  // -----------------------------------------------------------------------------------------------
  logic [1:0] full_q, full_d, out_full_q, out_full_d;
  logic load_set_full, compute_release, compute_set_out_full, store_clear_full;

  always_comb begin
    full_d     = full_q;
    out_full_d = out_full_q;
    if (compute_release) full_d[compute_head.half] = 1'b0;
    if (load_set_full) full_d[load_head.half] = 1'b1;
    if (store_clear_full) out_full_d[store_head.half] = 1'b0;
    if (compute_set_out_full) out_full_d[compute_head.o_half] = 1'b1;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      full_q     <= '0;
      out_full_q <= '0;
    end else begin
      full_q     <= full_d;
      out_full_q <= out_full_d;
    end
  end

  // -----------------------------------------------------------------------------------------------
  // Static interconnect: route_q[p] is the PMU feeding PCU p.
  // -----------------------------------------------------------------------------------------------
  logic route_we;
  logic [UnitWidth-1:0] route_q [Units];
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      for (int p = 0; p < Units; p++) route_q[p] <= UnitWidth'(p);
    end else if (route_we) begin
      route_q[UnitAw'(compute_head.pcu)] <= compute_head.pmu;
    end
  end

  // -----------------------------------------------------------------------------------------------
  // Units
  // -----------------------------------------------------------------------------------------------
  logic load_req_valid, load_req_ready, store_req_valid, store_req_ready;
  logic load_rsp_valid, store_rsp_valid, mem_conflict;
  logic [AddrWidth-1:0] load_req_addr, store_req_addr;
  logic [LenWidth-1:0] load_req_bytes, store_req_bytes;
  logic [MemWidth-1:0] store_req_data;
  logic load_idle, load_busy, load_stall;
  logic compute_idle, compute_busy, compute_stall_load, compute_stall_store, compute_stall_credit;
  logic store_idle, store_busy, store_stall;
  logic pmu_we;
  logic [HalfAw-1:0] pmu_wentry;
  logic [WriteEntries*Lanes-1:0] pmu_wmask;

  plasticine_load #(
    .Lanes     (Lanes),
    .BurstBytes(BurstBytes),
    .HalfAw    (HalfAw)
  ) u_load (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .cmd_valid_i (!load_empty),
    .cmd_i       (load_head),
    .cmd_pop_o   (load_pop),
    .full_i      (full_q),
    .set_full_o  (load_set_full),
    .req_valid_o (load_req_valid),
    .req_ready_i (load_req_ready),
    .req_addr_o  (load_req_addr),
    .req_bytes_o (load_req_bytes),
    .rsp_valid_i (load_rsp_valid),
    .pmu_we_o    (pmu_we),
    .pmu_wentry_o(pmu_wentry),
    .pmu_wmask_o (pmu_wmask),
    .idle_o      (load_idle),
    .busy_o      (load_busy),
    .stall_o     (load_stall)
  );

  logic re, rhalf;
  logic [HalfAw-1:0] raddr_a, raddr_b;
  logic vec_valid, vec_first, vec_last, vec_ohalf;
  logic [Lanes-1:0] vec_mask;
  logic [OutAw-1:0] vec_oaddr;
  logic [Units-1:0] pcu_pop, pcu_busy, pcu_out_we;

  plasticine_compute #(
    .Lanes    (Lanes),
    .HalfAw   (HalfAw),
    .OutAw    (OutAw),
    .FifoDepth(FifoDepth)
  ) u_compute (
    .clk_i         (clk_i),
    .rst_ni        (rst_ni),
    .cmd_valid_i   (!compute_empty),
    .cmd_i         (compute_head),
    .cmd_pop_o     (compute_pop),
    .full_i        (full_q),
    .out_full_i    (out_full_q),
    .release_o     (compute_release),
    .set_out_full_o(compute_set_out_full),
    .route_we_o    (route_we),
    .re_o          (re),
    .rhalf_o       (rhalf),
    .raddr_a_o     (raddr_a),
    .raddr_b_o     (raddr_b),
    .vec_valid_o   (vec_valid),
    .vec_mask_o    (vec_mask),
    .vec_first_o   (vec_first),
    .vec_last_o    (vec_last),
    .vec_ohalf_o   (vec_ohalf),
    .vec_oaddr_o   (vec_oaddr),
    .pcu_pop_i     (pcu_pop[0]),
    .pcu_out_we_i  (pcu_out_we[0]),
    .idle_o        (compute_idle),
    .busy_o        (compute_busy),
    .stall_load_o  (compute_stall_load),
    .stall_store_o (compute_stall_store),
    .stall_credit_o(compute_stall_credit)
  );

  logic [VecWidth-1:0] pmu_rdata_a [Units];
  logic [VecWidth-1:0] pmu_rdata_b [Units];
  logic [MemWidth-1:0] pcu_rdata [Units];
  logic [OutAw-1:0] store_raddr;

  for (genvar u = 0; u < Units; u++) begin : g_unit
    plasticine_pmu #(
      .Lanes       (Lanes),
      .BankDepth   (BankDepth),
      .WriteEntries(WriteEntries)
    ) u_pmu (
      .clk_i    (clk_i),
      .we_i     (pmu_we && (load_head.bcast || load_head.pmu == UnitWidth'(u))),
      .whalf_i  (load_head.half),
      .wentry_i (pmu_wentry),
      .wdata_i  (mem_rsp_rdata_i),
      .wmask_i  (pmu_wmask),
      .re_i     (re),
      .rhalf_i  (rhalf),
      .raddr_a_i(raddr_a),
      .raddr_b_i(raddr_b),
      .rdata_a_o(pmu_rdata_a[u]),
      .rdata_b_o(pmu_rdata_b[u])
    );

    plasticine_pcu #(
      .Lanes    (Lanes),
      .Stages   (Stages),
      .OutDepth (OutDepth),
      .ReadWords(BurstBytes / 4),
      .FifoDepth(FifoDepth)
    ) u_pcu (
      .clk_i     (clk_i),
      .rst_ni    (rst_ni),
      .in_valid_i(vec_valid),
      .in_a_i    (pmu_rdata_a[UnitAw'(route_q[u])]),
      .in_b_i    (pmu_rdata_b[UnitAw'(route_q[u])]),
      .in_mask_i (vec_mask),
      .in_first_i(vec_first),
      .in_last_i (vec_last),
      .in_ohalf_i(vec_ohalf),
      .in_oaddr_i(vec_oaddr),
      .pop_o     (pcu_pop[u]),
      .busy_o    (pcu_busy[u]),
      .out_we_o  (pcu_out_we[u]),
      .rhalf_i   (store_head.half),
      .raddr_i   (store_raddr),
      .rdata_o   (pcu_rdata[u])
    );
  end

  plasticine_store #(
    .BurstBytes(BurstBytes),
    .OutAw     (OutAw)
  ) u_store (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .cmd_valid_i (!store_empty),
    .cmd_i       (store_head),
    .cmd_pop_o   (store_pop),
    .out_full_i  (out_full_q),
    .clear_full_o(store_clear_full),
    .out_raddr_o (store_raddr),
    .out_rdata_i (pcu_rdata[UnitAw'(store_head.pcu)]),
    .req_valid_o (store_req_valid),
    .req_ready_i (store_req_ready),
    .req_addr_o  (store_req_addr),
    .req_bytes_o (store_req_bytes),
    .req_data_o  (store_req_data),
    .ack_valid_i (store_rsp_valid),
    .idle_o      (store_idle),
    .busy_o      (store_busy),
    .stall_o     (store_stall)
  );

  acv_mem_arbiter #(
    .AddrWidth(AddrWidth),
    .LenWidth (LenWidth),
    .DataWidth(MemWidth)
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
    .wr_req_wdata_i (store_req_data),
    .wr_rsp_valid_o (store_rsp_valid),
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
    .conflict_o     (mem_conflict)
  );

  assign idle_o = load_empty && compute_empty && store_empty && load_idle && compute_idle && store_idle;
  // Each unit pops its command when done with it (acv diff's end events).
  assign retire_o = {store_pop, compute_pop, load_pop};

  // -----------------------------------------------------------------------------------------------
  // Performance counters
  // -----------------------------------------------------------------------------------------------
  localparam int unsigned NumCnt = 15;
  logic [NumCnt-1:0] cnt_inc;
  logic [CntWidth-1:0] cnt_q [NumCnt];

  assign cnt_inc = {
    mem_conflict,                          // 14
    store_req_valid && store_req_ready,    // 13 mem_writes
    load_req_valid && load_req_ready,      // 12 mem_reads
    store_stall,                           // 11
    store_busy,                            // 10
    re || pmu_we,                          //  9 pmu_busy
    pcu_busy[0],                           //  8 pcu_busy (lock step: every PCU alike)
    compute_stall_credit,                  //  7
    compute_stall_store,                   //  6
    compute_stall_load,                    //  5
    compute_busy,                          //  4
    load_stall,                            //  3
    load_busy,                             //  2
    cmd_valid_i && !cmd_ready_o,           //  1 dispatch_stall
    1'b1                                   //  0 cycles
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

  assign cnt_cycles_o               = cnt_q[0];
  assign cnt_dispatch_stall_o       = cnt_q[1];
  assign cnt_load_busy_o            = cnt_q[2];
  assign cnt_load_stall_o           = cnt_q[3];
  assign cnt_compute_busy_o         = cnt_q[4];
  assign cnt_compute_stall_load_o   = cnt_q[5];
  assign cnt_compute_stall_store_o  = cnt_q[6];
  assign cnt_compute_stall_credit_o = cnt_q[7];
  assign cnt_pcu_busy_o             = cnt_q[8];
  assign cnt_pmu_busy_o             = cnt_q[9];
  assign cnt_store_busy_o           = cnt_q[10];
  assign cnt_store_stall_o          = cnt_q[11];
  assign cnt_mem_reads_o            = cnt_q[12];
  assign cnt_mem_writes_o           = cnt_q[13];
  assign cnt_mem_conflict_o         = cnt_q[14];

  // Argument bits beyond each field's width are ignored (the driver checks the ranges); the
  // other PCUs move with PCU 0.
  logic unused_bits;
  assign unused_bits = ^cmd_args_i ^ ^pcu_pop ^ ^pcu_busy ^ ^pcu_out_we ^ ^load_req_bytes;

  // -----------------------------------------------------------------------------------------------
  // Invariants (checked when Verilated with --assert)
  // -----------------------------------------------------------------------------------------------
  CmdStable: assert property (@(posedge clk_i) disable iff (!rst_ni)
      cmd_valid_i && !cmd_ready_o |=> cmd_valid_i && $stable(cmd_op_i) && $stable(cmd_args_i))
    else $error("command withdrawn or changed before it was accepted");
  // A load writes only a half no compute may read; a compute reads only a filled half.
  LoadIntoFreeHalf: assert property (@(posedge clk_i) disable iff (!rst_ni)
      pmu_we |-> !full_q[load_head.half])
    else $error("PMU write into a half marked full");
  ReadFilledHalf: assert property (@(posedge clk_i) disable iff (!rst_ni) re |-> full_q[rhalf])
    else $error("PMU read of a half that is not full");
  // Units named by commands exist.
  LoadUnitInRange: assert property (@(posedge clk_i) disable iff (!rst_ni)
      !load_empty && !load_head.bcast |-> load_head.pmu <= LastUnit)
    else $error("load names a PMU outside the grid");
  StoreUnitInRange: assert property (@(posedge clk_i) disable iff (!rst_ni)
      !store_empty |-> store_head.pcu <= LastUnit)
    else $error("store names a PCU outside the grid");
  RouteInRange: assert property (@(posedge clk_i) disable iff (!rst_ni)
      route_we |-> compute_head.pcu <= LastUnit && compute_head.pmu <= LastUnit)
    else $error("route names a PCU or PMU outside the grid");
  // Lock step: every PCU writes its result in the same cycle.
  LockStep: assert property (@(posedge clk_i) disable iff (!rst_ni)
      pcu_out_we == '0 || pcu_out_we == '1)
    else $error("PCUs out of lock step");
endmodule
