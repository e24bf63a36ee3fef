// The UltraTrail-like accelerator: command port, a DMA that loads FMEM0 / WMEM / BMEM and stores
// an FMEM, the layer-configuration register file, and a controller that runs every configured
// layer from one start to one done: Size x Size MAC array, FMEM0..2 (input, output, residual in
// round robin), WMEM, BMEM, output processing unit; performance counters, per-layer cycles.
module ultratrail_top import ultratrail_pkg::*; #(
  parameter int unsigned Size      = 8,
  parameter int unsigned FmemWords = 1024,
  parameter int unsigned WmemWords = 3072,
  parameter int unsigned BmemWords = 128,
  parameter int unsigned MaxLayers = 32,
  // External memory data port: a WMEM word (Size x Size int8), the widest memory word.
  localparam int unsigned MemWidth  = Size * Size * 8,
  localparam int unsigned FmemWidth = Size * 8,
  localparam int unsigned BmemWidth = Size * 32
) (
  input  logic                    clk_i,
  input  logic                    rst_ni,

  // Commands in program order (valid/ready): accepted only while no load, run or store is busy.
  input  logic                    cmd_valid_i,
  output logic                    cmd_ready_o,
  input  logic [2:0]              cmd_op_i,         // opcode_e
  input  logic [CmdArgsWidth-1:0] cmd_args_i,

  // External memory: requests (valid/ready), in-order responses (valid/ready; always ready).
  output logic                    mem_req_valid_o,
  input  logic                    mem_req_ready_i,
  output logic                    mem_req_write_o,
  output logic [AddrWidth-1:0]    mem_req_addr_o,
  output logic [LenWidth-1:0]     mem_req_bytes_o,
  output logic                    mem_req_tag_o,    // mem_tag_e
  output logic [MemWidth-1:0]     mem_req_wdata_o,
  input  logic                    mem_rsp_valid_i,
  output logic                    mem_rsp_ready_o,
  input  logic                    mem_rsp_tag_i,
  input  logic [MemWidth-1:0]     mem_rsp_rdata_i,

  output logic                    idle_o,
  // The command being run (a configuration and an empty transfer: the accepted one) finishes this
  // cycle: the controller returns to idle (acv diff's end events).
  output logic [0:0]              retire_o,

  // Performance counters (cycles unless named otherwise), cleared by reset.
  output logic [CntWidth-1:0]     cnt_load_busy_o,
  output logic [CntWidth-1:0]     cnt_store_busy_o,
  output logic [CntWidth-1:0]     cnt_mac_busy_o,       // MAC steps
  output logic [CntWidth-1:0]     cnt_mac_setup_o,      // layer setup cycles
  output logic [CntWidth-1:0]     cnt_mac_drain_o,      // pipeline drain cycles between layers
  output logic [CntWidth-1:0]     cnt_opu_writes_o,     // FMEM words written by the OPU
  output logic [CntWidth-1:0]     cnt_mem_reads_o,      // read requests
  output logic [CntWidth-1:0]     cnt_mem_writes_o,     // write requests
  output logic [MaxLayers*CntWidth-1:0] cnt_layer_cycles_o  // layer l's cycles at [l*CntWidth +: CntWidth]
);
  localparam int unsigned FmemAw  = (FmemWords > 1) ? $clog2(FmemWords) : 1;
  localparam int unsigned WmemAw  = (WmemWords > 1) ? $clog2(WmemWords) : 1;
  localparam int unsigned BmemAw  = (BmemWords > 1) ? $clog2(BmemWords) : 1;
  localparam int unsigned LayerAw = (MaxLayers > 1) ? $clog2(MaxLayers) : 1;
  localparam int unsigned NumFmems = 3;

  typedef enum logic [2:0] {
    StIdle, StLoad, StRun, StStoreRead, StStoreReq, StStoreWait
  } state_e;
  typedef enum logic [1:0] {
    PhSetup, PhSteps, PhDrain
  } phase_e;

  logic [ArgWidth-1:0] arg [NumArgs];
  for (genvar i = 0; i < NumArgs; i++) begin : g_arg
    assign arg[i] = cmd_args_i[i*ArgWidth +: ArgWidth];
  end

  logic [ArgWidth-1:0] arg0;  // the layer / memory field, named for the assertions
  assign arg0 = arg[0];

  state_e state_q, state_d;
  logic   accept;
  assign cmd_ready_o = (state_q == StIdle);
  assign accept      = cmd_valid_i && cmd_ready_o;
  assign idle_o      = (state_q == StIdle);
  assign retire_o    = (state_q != StIdle || accept) && state_d == StIdle;

  // -----------------------------------------------------------------------------------------------
  // Layer-configuration register file.
  // -----------------------------------------------------------------------------------------------
  layer_cfg_t regs_q [MaxLayers];
  logic [LayerAw-1:0] cfg_index;
  assign cfg_index = arg[0][LayerAw-1:0];

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      for (int l = 0; l < MaxLayers; l++) regs_q[l] <= '0;
    end else if (accept && cmd_op_i == OpCfgShape) begin
      regs_q[cfg_index].in_c   <= arg[1][15:0];
      regs_q[cfg_index].out_c  <= arg[2][15:0];
      regs_q[cfg_index].in_len <= arg[3][15:0];
      regs_q[cfg_index].kernel <= arg[4][7:0];
      regs_q[cfg_index].stride <= arg[5][7:0];
      regs_q[cfg_index].pad    <= arg[6][7:0];
      regs_q[cfg_index].pool   <= arg[7][15:0];
    end else if (accept && cmd_op_i == OpCfgRoute) begin
      regs_q[cfg_index].src    <= arg[1][1:0];
      regs_q[cfg_index].dst    <= arg[2][1:0];
      regs_q[cfg_index].res    <= arg[3][1:0];
      regs_q[cfg_index].w_base <= arg[4][15:0];
      regs_q[cfg_index].b_base <= arg[5][15:0];
      regs_q[cfg_index].relu   <= arg[6][0];
      regs_q[cfg_index].shift  <= arg[7][4:0];
    end
  end

  // -----------------------------------------------------------------------------------------------
  // DMA: one request per memory word; loads write the word on its response, stores read the
  // FMEM word, then request its write.
  // -----------------------------------------------------------------------------------------------
  logic [2:0]           dma_mem_q;
  logic [LenWidth-1:0]  dma_addr_q, dma_words_q, dma_issued_q, dma_done_q;
  logic [AddrWidth-1:0] dma_dram_q;
  logic [LenWidth-1:0]  word_bytes;
  logic                 req_fire, rsp_fire, load_rsp;

  always_comb begin
    unique case (dma_mem_q)
      MemWmem: word_bytes = LenWidth'(Size * Size);
      MemBmem: word_bytes = LenWidth'(4 * Size);
      default: word_bytes = LenWidth'(Size);
    endcase
  end

  assign mem_req_valid_o = (state_q == StLoad && dma_issued_q < dma_words_q) || state_q == StStoreReq;
  assign mem_req_write_o = (state_q == StStoreReq);
  assign mem_req_tag_o   = (state_q == StStoreReq) ? TagWrite : TagRead;
  assign mem_req_addr_o  = dma_dram_q + AddrWidth'(dma_issued_q) * AddrWidth'(word_bytes);
  assign mem_req_bytes_o = word_bytes;
  assign mem_rsp_ready_o = 1'b1;
  assign req_fire = mem_req_valid_o && mem_req_ready_i;
  assign rsp_fire = mem_rsp_valid_i && mem_rsp_ready_o;
  assign load_rsp = rsp_fire && mem_rsp_tag_i == TagRead && state_q == StLoad;

  // -----------------------------------------------------------------------------------------------
  // Controller: per layer a setup cycle, one MAC step per cycle (output block, output position,
  // position in the pool window, input block, kernel tap), then two drain cycles so the next
  // layer reads what this one wrote.
  // -----------------------------------------------------------------------------------------------
  phase_e              phase_q, phase_d;
  logic [LayerAw:0]    layer_q, layer_d, nlayers_q;
  logic [1:0]          drain_q, drain_d;
  layer_cfg_t          cur_q, cur_d;
  logic [15:0]         in_blocks_q, out_blocks_q, conv_len_q, out_len_q;
  logic [15:0]         in_blocks_d, out_blocks_d, conv_len_d, out_len_d;
  logic [4:0]          pshift_q, pshift_d;
  logic [15:0]         ob_q, o_q, p_q, ib_q, ob_d, o_d, p_d, ib_d;
  logic [7:0]          k_q, k_d;
  layer_cfg_t          next_cfg;
  assign next_cfg = regs_q[layer_q[LayerAw-1:0]];

  // Step addresses.
  logic                step;
  logic [31:0]         pos;
  logic signed [33:0]  x;
  logic                x_valid, k_last, ib_last, p_last, o_last, ob_last, step_first, step_last;
  logic [31:0]         f_addr, w_addr, b_addr, r_addr, o_addr;
  assign step       = (state_q == StRun) && (phase_q == PhSteps);
  assign pos        = 32'(o_q) * 32'(cur_q.pool) + 32'(p_q);
  assign x          = 34'(pos) * 34'(cur_q.stride) + 34'(k_q) - 34'(cur_q.pad);
  assign x_valid    = (x >= 0) && (x < 34'(cur_q.in_len));
  assign f_addr     = 32'(ib_q) * 32'(cur_q.in_len) + x[31:0];
  assign w_addr     = 32'(cur_q.w_base) + (32'(ob_q) * 32'(in_blocks_q) + 32'(ib_q)) * 32'(cur_q.kernel) + 32'(k_q);
  assign b_addr     = 32'(cur_q.b_base) + 32'(ob_q);
  assign r_addr     = 32'(ob_q) * 32'(conv_len_q) + pos;
  assign o_addr     = 32'(ob_q) * 32'(out_len_q) + 32'(o_q);
  assign k_last     = (16'(k_q) == 16'(cur_q.kernel) - 16'd1);
  assign ib_last    = (ib_q == in_blocks_q - 16'd1);
  assign p_last     = (p_q == cur_q.pool - 16'd1);
  assign o_last     = (o_q == out_len_q - 16'd1);
  assign ob_last    = (ob_q == out_blocks_q - 16'd1);
  assign step_first = (ib_q == '0) && (k_q == '0);
  assign step_last  = ib_last && k_last;

  always_comb begin
    phase_d      = phase_q;
    layer_d      = layer_q;
    drain_d      = drain_q;
    cur_d        = cur_q;
    in_blocks_d  = in_blocks_q;
    out_blocks_d = out_blocks_q;
    conv_len_d   = conv_len_q;
    out_len_d    = out_len_q;
    pshift_d     = pshift_q;
    {ob_d, o_d, p_d, ib_d, k_d} = {ob_q, o_q, p_q, ib_q, k_q};
    if (state_q == StRun) begin
      unique case (phase_q)
        PhSetup: begin
          cur_d        = next_cfg;
          in_blocks_d  = 16'((32'(next_cfg.in_c) + Size - 1) / Size);
          out_blocks_d = 16'((32'(next_cfg.out_c) + Size - 1) / Size);
          conv_len_d   = 16'((32'(next_cfg.in_len) + 2 * 32'(next_cfg.pad) - 32'(next_cfg.kernel))
                             / 32'(next_cfg.stride) + 1);
          out_len_d    = 16'(32'(conv_len_d) / 32'(next_cfg.pool));
          pshift_d     = pool_shift(next_cfg.pool);
          {ob_d, o_d, p_d, ib_d, k_d} = '0;
          phase_d      = PhSteps;
        end
        PhSteps: begin
          k_d = k_q + 8'd1;
          if (k_last) begin
            k_d  = '0;
            ib_d = ib_q + 16'd1;
            if (ib_last) begin
              ib_d = '0;
              p_d  = p_q + 16'd1;
              if (p_last) begin
                p_d = '0;
                o_d = o_q + 16'd1;
                if (o_last) begin
                  o_d  = '0;
                  ob_d = ob_q + 16'd1;
                  if (ob_last) begin
                    phase_d = PhDrain;
                    drain_d = 2'd2;
                  end
                end
              end
            end
          end
        end
        default: begin  // PhDrain
          drain_d = drain_q - 2'd1;
          if (drain_q == 2'd1) begin
            layer_d = layer_q + 1'b1;
            phase_d = PhSetup;
          end
        end
      endcase
    end
  end

  // Stage 1: the memories' read data of the step issued last cycle.
  logic       s1_step, s1_x_valid, s1_first, s1_last, s1_window_first, s1_window_last;
  logic [15:0] s1_o_addr;

  // -----------------------------------------------------------------------------------------------
  // Memories.
  // -----------------------------------------------------------------------------------------------
  logic [FmemWidth-1:0] fmem_rdata [NumFmems];
  logic                 opu_we;
  logic [LenWidth-1:0]  opu_waddr;
  logic [FmemWidth-1:0] opu_wdata;
  logic [LenWidth-1:0]  load_addr;
  logic [LenWidth-1:0]  store_addr;
  assign load_addr  = dma_addr_q + dma_done_q;
  assign store_addr = dma_addr_q + dma_issued_q;

  for (genvar f = 0; f < NumFmems; f++) begin : g_fmem
    logic               we, re;
    logic [FmemAw-1:0]  waddr, raddr;
    logic [FmemWidth-1:0] wdata;
    always_comb begin
      we    = 1'b0;
      waddr = '0;
      wdata = '0;
      if (load_rsp && dma_mem_q == 3'(f)) begin
        we    = 1'b1;
        waddr = FmemAw'(load_addr);
        wdata = mem_rsp_rdata_i[FmemWidth-1:0];
      end else if (opu_we && cur_q.dst == 2'(f)) begin
        we    = 1'b1;
        waddr = FmemAw'(opu_waddr);
        wdata = opu_wdata;
      end
      re    = 1'b0;
      raddr = '0;
      if (step && x_valid && cur_q.src == 2'(f)) begin
        re    = 1'b1;
        raddr = FmemAw'(f_addr);
      end else if (step && step_last && cur_q.res == 2'(f)) begin
        re    = 1'b1;
        raddr = FmemAw'(r_addr);
      end else if (state_q == StStoreRead && dma_mem_q == 3'(f)) begin
        re    = 1'b1;
        raddr = FmemAw'(store_addr);
      end
    end
    acv_sram_1r1w #(.Width(FmemWidth), .Depth(FmemWords)) u_fmem (
      .clk_i  (clk_i),
      .we_i   (we),
      .waddr_i(waddr),
      .wdata_i(wdata),
      .re_i   (re),
      .raddr_i(raddr),
      .rdata_o(fmem_rdata[f])
    );
  end

  logic [MemWidth-1:0]  wmem_rdata;
  logic [BmemWidth-1:0] bmem_rdata;
  acv_sram_1r1w #(.Width(MemWidth), .Depth(WmemWords)) u_wmem (
    .clk_i  (clk_i),
    .we_i   (load_rsp && dma_mem_q == MemWmem),
    .waddr_i(WmemAw'(load_addr)),
    .wdata_i(mem_rsp_rdata_i),
    .re_i   (step),
    .raddr_i(WmemAw'(w_addr)),
    .rdata_o(wmem_rdata)
  );
  acv_sram_1r1w #(.Width(BmemWidth), .Depth(BmemWords)) u_bmem (
    .clk_i  (clk_i),
    .we_i   (load_rsp && dma_mem_q == MemBmem),
    .waddr_i(BmemAw'(load_addr)),
    .wdata_i(mem_rsp_rdata_i[BmemWidth-1:0]),
    .re_i   (step && step_last),
    .raddr_i(BmemAw'(b_addr)),
    .rdata_o(bmem_rdata)
  );

  assign mem_req_wdata_o = MemWidth'(fmem_rdata[dma_mem_q[1:0] == 2'd3 ? 2'd0 : dma_mem_q[1:0]]);

  // -----------------------------------------------------------------------------------------------
  // Datapath: MAC array and output processing.
  // -----------------------------------------------------------------------------------------------
  logic [Size*AccWidth-1:0] sums;
  logic [FmemWidth-1:0]     x_data;
  assign x_data = s1_x_valid ? fmem_rdata[cur_q.src] : '0;

  ultratrail_mac_array #(.Size(Size)) u_mac (
    .clk_i  (clk_i),
    .rst_ni (rst_ni),
    .step_i (s1_step),
    .first_i(s1_first),
    .x_i    (x_data),
    .w_i    (wmem_rdata),
    .sum_o  (sums)
  );

  ultratrail_opu #(.Size(Size)) u_opu (
    .clk_i         (clk_i),
    .rst_ni        (rst_ni),
    .valid_i       (s1_step && s1_last),
    .sum_i         (sums),
    .bias_i        (bmem_rdata),
    .res_i         (fmem_rdata[cur_q.res == NoResidual ? 2'd0 : cur_q.res]),
    .res_en_i      (cur_q.res != NoResidual),
    .relu_i        (cur_q.relu),
    .shift_i       (cur_q.shift),
    .pool_shift_i  (pshift_q),
    .window_first_i(s1_window_first),
    .window_last_i (s1_window_last),
    .addr_i        (s1_o_addr),
    .we_o          (opu_we),
    .waddr_o       (opu_waddr),
    .wdata_o       (opu_wdata)
  );

  // -----------------------------------------------------------------------------------------------
  // Command and DMA state.
  // -----------------------------------------------------------------------------------------------
  always_comb begin
    state_d = state_q;
    unique case (state_q)
      StIdle: begin
        if (accept) begin
          unique case (cmd_op_i)
            OpLoad:  state_d = StLoad;
            OpStart: state_d = StRun;
            OpStore: state_d = StStoreRead;
            default: state_d = StIdle;  // configuration: one cycle
          endcase
        end
      end
      StLoad:      if (load_rsp && dma_done_q + 16'd1 == dma_words_q) state_d = StIdle;
      StRun:       if (phase_q == PhDrain && drain_q == 2'd1 && layer_q + 1'b1 == nlayers_q) state_d = StIdle;
      StStoreRead: state_d = (dma_issued_q == dma_words_q) ? StStoreWait : StStoreReq;
      StStoreReq:  if (req_fire) state_d = StStoreRead;
      // StStoreWait: the last write response may have come before the last request's state ended.
      default:     if (dma_done_q == dma_words_q || (rsp_fire && dma_done_q + 16'd1 == dma_words_q)) state_d = StIdle;
    endcase
    // A load or store of no words is done when accepted.
    if (accept && (cmd_op_i == OpLoad || cmd_op_i == OpStore) && arg[3][LenWidth-1:0] == '0) state_d = StIdle;
  end

  logic [CntWidth-1:0] cnt_load_q, cnt_store_q, cnt_mac_q, cnt_setup_q, cnt_drain_q, cnt_opu_q;
  logic [CntWidth-1:0] cnt_reads_q, cnt_writes_q;
  logic [CntWidth-1:0] layer_cycles_q [MaxLayers];

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q      <= StIdle;
      dma_mem_q    <= '0;
      dma_addr_q   <= '0;
      dma_words_q  <= '0;
      dma_issued_q <= '0;
      dma_done_q   <= '0;
      dma_dram_q   <= '0;
      phase_q      <= PhSetup;
      layer_q      <= '0;
      nlayers_q    <= '0;
      drain_q      <= '0;
      cur_q        <= '0;
      in_blocks_q  <= '0;
      out_blocks_q <= '0;
      conv_len_q   <= '0;
      out_len_q    <= '0;
      pshift_q     <= '0;
      {ob_q, o_q, p_q, ib_q, k_q} <= '0;
      s1_step      <= 1'b0;
      s1_x_valid   <= 1'b0;
      s1_first     <= 1'b0;
      s1_last      <= 1'b0;
      s1_window_first <= 1'b0;
      s1_window_last  <= 1'b0;
      s1_o_addr    <= '0;
      cnt_load_q   <= '0;
      cnt_store_q  <= '0;
      cnt_mac_q    <= '0;
      cnt_setup_q  <= '0;
      cnt_drain_q  <= '0;
      cnt_opu_q    <= '0;
      cnt_reads_q  <= '0;
      cnt_writes_q <= '0;
      for (int l = 0; l < MaxLayers; l++) layer_cycles_q[l] <= '0;
    end else begin
      state_q <= state_d;
      if (accept && (cmd_op_i == OpLoad || cmd_op_i == OpStore)) begin
        dma_mem_q    <= arg[0][2:0];
        dma_addr_q   <= arg[1][LenWidth-1:0];
        dma_dram_q   <= arg[2];
        dma_words_q  <= arg[3][LenWidth-1:0];
        dma_issued_q <= '0;
        dma_done_q   <= '0;
      end else begin
        if (req_fire) dma_issued_q <= dma_issued_q + 16'd1;
        if (rsp_fire) dma_done_q <= dma_done_q + 16'd1;
      end
      if (accept && cmd_op_i == OpStart) begin
        nlayers_q <= arg[0][LayerAw:0];
        layer_q   <= '0;
        phase_q   <= PhSetup;
      end else begin
        phase_q <= phase_d;
        layer_q <= layer_d;
      end
      drain_q      <= drain_d;
      cur_q        <= cur_d;
      in_blocks_q  <= in_blocks_d;
      out_blocks_q <= out_blocks_d;
      conv_len_q   <= conv_len_d;
      out_len_q    <= out_len_d;
      pshift_q     <= pshift_d;
      {ob_q, o_q, p_q, ib_q, k_q} <= {ob_d, o_d, p_d, ib_d, k_d};
      s1_step         <= step;
      s1_x_valid      <= x_valid;
      s1_first        <= step_first;
      s1_last         <= step_last;
      s1_window_first <= (p_q == '0);
      s1_window_last  <= p_last;
      s1_o_addr       <= o_addr[15:0];
      if (state_q == StLoad) cnt_load_q <= cnt_load_q + 1'b1;
      if (state_q == StStoreRead || state_q == StStoreReq || state_q == StStoreWait) cnt_store_q <= cnt_store_q + 1'b1;
      if (step) cnt_mac_q <= cnt_mac_q + 1'b1;
      if (state_q == StRun && phase_q == PhSetup) cnt_setup_q <= cnt_setup_q + 1'b1;
      if (state_q == StRun && phase_q == PhDrain) cnt_drain_q <= cnt_drain_q + 1'b1;
      if (opu_we) cnt_opu_q <= cnt_opu_q + 1'b1;
      if (req_fire && !mem_req_write_o) cnt_reads_q <= cnt_reads_q + 1'b1;
      if (req_fire && mem_req_write_o) cnt_writes_q <= cnt_writes_q + 1'b1;
      if (state_q == StRun) layer_cycles_q[layer_q[LayerAw-1:0]] <= layer_cycles_q[layer_q[LayerAw-1:0]] + 1'b1;
    end
  end

  assign cnt_load_busy_o  = cnt_load_q;
  assign cnt_store_busy_o = cnt_store_q;
  assign cnt_mac_busy_o   = cnt_mac_q;
  assign cnt_mac_setup_o  = cnt_setup_q;
  assign cnt_mac_drain_o  = cnt_drain_q;
  assign cnt_opu_writes_o = cnt_opu_q;
  assign cnt_mem_reads_o  = cnt_reads_q;
  assign cnt_mem_writes_o = cnt_writes_q;
  for (genvar l = 0; l < MaxLayers; l++) begin : g_layer_cnt
    assign cnt_layer_cycles_o[l*CntWidth +: CntWidth] = layer_cycles_q[l];
  end

  // -----------------------------------------------------------------------------------------------
  // Invariants (checked when Verilated with --assert).
  // -----------------------------------------------------------------------------------------------
  CmdStable: assert property (@(posedge clk_i) disable iff (!rst_ni)
      cmd_valid_i && !cmd_ready_o |=> cmd_valid_i && $stable(cmd_op_i) && $stable(cmd_args_i))
    else $error("command withdrawn or changed before it was accepted");
  KnownOpcode: assert property (@(posedge clk_i) disable iff (!rst_ni)
      accept |-> cmd_op_i inside {OpLoad, OpCfgShape, OpCfgRoute, OpStart, OpStore})
    else $error("opcode %0d is not a host command (setup, mac and opu are the controller's own)", cmd_op_i);
  CfgLayerInRange: assert property (@(posedge clk_i) disable iff (!rst_ni)
      accept && (cmd_op_i == OpCfgShape || cmd_op_i == OpCfgRoute) |-> arg0 < MaxLayers)
    else $error("configuration of layer %0d outside %0d registers", arg0, MaxLayers);
  StartLayersInRange: assert property (@(posedge clk_i) disable iff (!rst_ni)
      accept && cmd_op_i == OpStart |-> arg0 >= 1 && arg0 <= MaxLayers)
    else $error("start of %0d layers (1..%0d configurable)", arg0, MaxLayers);
  LoadTarget: assert property (@(posedge clk_i) disable iff (!rst_ni)
      accept && cmd_op_i == OpLoad |-> arg0 <= 32'(MemBmem))
    else $error("load into memory %0d", arg0);
  StoreFromFmem: assert property (@(posedge clk_i) disable iff (!rst_ni)
      accept && cmd_op_i == OpStore |-> arg0 < NumFmems)
    else $error("store from memory %0d (only FMEM0..2)", arg0);
  // Full addresses in range: the memories see only their low bits.
  StepAddrInRange: assert property (@(posedge clk_i) disable iff (!rst_ni)
      step |-> (!x_valid || f_addr < FmemWords) && w_addr < WmemWords &&
               (!step_last || (b_addr < BmemWords && (cur_q.res == NoResidual || r_addr < FmemWords))))
    else $error("layer %0d: step address outside its memory (f %0d, w %0d, b %0d, r %0d)", layer_q, f_addr,
                w_addr, b_addr, r_addr);
  OutputAddrInRange: assert property (@(posedge clk_i) disable iff (!rst_ni)
      (step && step_last) || opu_we |-> o_addr < FmemWords && 32'(opu_waddr) < FmemWords)
    else $error("layer %0d: output word %0d outside FMEM", layer_q, o_addr);
  LoadAddrInRange: assert property (@(posedge clk_i) disable iff (!rst_ni)
      load_rsp |-> 32'(load_addr) < (dma_mem_q == MemWmem ? WmemWords :
                                     dma_mem_q == MemBmem ? BmemWords : FmemWords))
    else $error("load word %0d outside memory %0d", load_addr, dma_mem_q);
  StoreAddrInRange: assert property (@(posedge clk_i) disable iff (!rst_ni)
      state_q == StStoreRead && dma_issued_q < dma_words_q |-> 32'(store_addr) < FmemWords)
    else $error("store word %0d outside FMEM", store_addr);
  // A layer reads its input and residual and writes its output in three different FMEMs: each
  // has one read and one write port.
  FmemsDistinct: assert property (@(posedge clk_i) disable iff (!rst_ni)
      state_q == StRun && phase_q == PhSetup |->
      next_cfg.src != next_cfg.dst && next_cfg.src != next_cfg.res && next_cfg.dst != next_cfg.res &&
      next_cfg.src != NoResidual && next_cfg.dst != NoResidual)
    else $error("layer %0d: src %0d, dst %0d, res %0d share an FMEM", layer_q, next_cfg.src, next_cfg.dst,
                next_cfg.res);
  LayerShape: assert property (@(posedge clk_i) disable iff (!rst_ni)
      state_q == StRun && phase_q == PhSteps |->
      in_blocks_q != 0 && out_blocks_q != 0 && out_len_q != 0 && cur_q.kernel != 0 && cur_q.stride != 0 &&
      cur_q.shift != 0)
    else $error("layer %0d has an empty shape or no requantization shift", layer_q);
  ResponseExpected: assert property (@(posedge clk_i) disable iff (!rst_ni)
      mem_rsp_valid_i |-> state_q inside {StLoad, StStoreRead, StStoreReq, StStoreWait})
    else $error("memory response while no load or store is busy");
endmodule
