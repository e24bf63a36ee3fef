// Load unit: a request side and a response side, so mvins overlap. The request side takes the
// next queued mvin (queue entry issue_ptr_o, not yet started) once its previous mvin's last request
// was accepted, and sends one read request per row (stride apart) as fast as the memory port takes
// them; the next mvin starts the cycle after. The response side writes each response row, zero-
// padded past `cols`, into the scratchpad or the accumulator for the oldest started mvin (the queue
// head: responses come in request order). A mvin leaves its queue when its last row is written,
// so the queue holds every started mvin and the dependency tracker sees them until they are done.
// It reads the mvins behind the head where they are queued (the load queue's slots, an
// acv_slot_fifo in gemmini_cmd_queue).
// A scratchpad mvin may be multi-block (Gemmini's MAX_BLOCK_LEN 4): cols up to 4 DIM int8, one
// request per DRAM row of cols bytes, block b (columns b DIM .. b DIM + DIM - 1) written to
// scratchpad row local_addr + b rows + r. A response's blocks are written in the cycle it arrives,
// one write lane per block (the scratchpad's; rtl/gemmini/README.md, "mvin").
module gemmini_load import gemmini_pkg::*; #(
  parameter int unsigned Dim     = 4,
  parameter int unsigned SpRows  = 1024,
  parameter int unsigned AccRows = 256,
  parameter int unsigned Depth   = 8,   // load queue entries
  localparam int unsigned SpAw   = $clog2(SpRows),
  localparam int unsigned AccAw  = $clog2(AccRows),
  localparam int unsigned Aw     = (Depth > 1) ? $clog2(Depth) : 1,
  localparam int unsigned MemBytes = 4 * Dim,
  localparam int unsigned Blocks   = 4     // int8 blocks of DIM in one response (MemBytes / Dim)
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,
  output logic [Aw-1:0]          issue_ptr_o,  // queue entry the request side starts next
  output logic                   issue_free_o, // request side free and an unstarted entry slot left
  input  logic [$bits(ld_cmd_t)-1:0] cmds_i [Depth],  // the load queue's mvins, by slot
  input  ld_cmd_t                head_cmd_i,   // its head
  input  logic                   start_i,      // that entry is queued and not blocked: start it
  output logic                   done_o,       // pop the head: its last row is written
  output logic                   active_o,     // a mvin sends requests or waits for rows
  output logic                   dma_wait_o,   // active, nothing moved this cycle
  // External memory.
  output logic                   req_valid_o,
  input  logic                   req_ready_i,
  output logic [AddrWidth-1:0]   req_addr_o,
  output logic [15:0]            req_bytes_o,
  input  logic                   rsp_valid_i,
  input  logic [MemBytes*8-1:0]  rsp_rdata_i,
  output logic                   rsp_ready_o,
  // Local memories.
  output logic [Blocks-1:0]      sp_we_o,     // one write lane per block
  output logic [SpAw-1:0]        sp_waddr_o [Blocks],
  output logic [Dim*8-1:0]       sp_wdata_o [Blocks],
  output logic                   acc_we_o,
  output logic [AccAw-1:0]       acc_waddr_o,
  output logic [Dim*32-1:0]      acc_wdata_o,
  input  logic                   acc_gnt_i
);
  localparam logic [Aw-1:0] LastPtr = Aw'(Depth - 1);

  // Request side: the mvin whose rows are being requested.
  logic req_busy_q, req_busy_d;
  ld_cmd_t cmd_q, cmd_d;
  logic [LenWidth-1:0] req_cnt_q, req_cnt_d;
  logic [AddrWidth-1:0] req_addr_q, req_addr_d;
  logic [Aw-1:0] iptr_q, iptr_d;
  // Response side: started mvins not yet done (queue entries head .. issue_ptr - 1).
  logic [Aw:0] started_q, started_d;
  logic [LenWidth-1:0] rsp_cnt_q, rsp_cnt_d;
  logic req_fire, rsp_fire, has_started;
  // The next mvin to start (slot iptr_q) and the oldest started one (the head).
  ld_cmd_t next_cmd;
  /* verilator lint_off UNUSEDSIGNAL */  // the response side needs only where the rows go
  ld_cmd_t head;
  /* verilator lint_on UNUSEDSIGNAL */
  assign next_cmd = ld_cmd_t'(cmds_i[iptr_q]);
  assign head     = head_cmd_i;

  assign issue_ptr_o  = iptr_q;
  assign issue_free_o = !req_busy_q && (started_q != (Aw + 1)'(Depth));
  assign has_started  = started_q != '0;
  assign active_o     = req_busy_q || has_started;
  assign req_valid_o  = req_busy_q;
  assign req_addr_o   = req_addr_q;
  assign req_bytes_o  = cmd_q.to_acc ? 16'(cmd_q.cols) << 2 : 16'(cmd_q.cols);
  assign req_fire     = req_valid_o && req_ready_i;

  // A response row is written as it arrives; an accumulator write may have to wait for its bank.
  // Block b of a row is written when columns b DIM .. exist (cols > b DIM); block 0 always.
  for (genvar b = 0; b < Blocks; b++) begin : g_lane
    assign sp_we_o[b]    = has_started && rsp_valid_i && !head.to_acc && (b == 0 || 32'(head.cols) > b * Dim);
    assign sp_waddr_o[b] = SpAw'(head.local_addr) + SpAw'(b) * SpAw'(head.rows) + SpAw'(rsp_cnt_q);
  end
  assign acc_we_o    = has_started && rsp_valid_i && head.to_acc;
  assign rsp_ready_o = has_started && (!head.to_acc || acc_gnt_i);
  assign rsp_fire    = rsp_valid_i && rsp_ready_o;
  assign acc_waddr_o = AccAw'(head.local_addr) + AccAw'(rsp_cnt_q);
  assign dma_wait_o  = active_o && !req_fire && !rsp_fire;

  always_comb begin
    for (int b = 0; b < Blocks; b++)
      for (int e = 0; e < Dim; e++)
        sp_wdata_o[b][e*8 +: 8] = (32'(head.cols) > b * Dim + e) ? rsp_rdata_i[(b*Dim + e)*8 +: 8] : 8'd0;
    for (int e = 0; e < Dim; e++)
      acc_wdata_o[e*32 +: 32] = (LenWidth'(e) < head.cols) ? rsp_rdata_i[e*32 +: 32] : 32'd0;
  end

  always_comb begin
    req_busy_d = req_busy_q;
    cmd_d      = cmd_q;
    req_cnt_d  = req_cnt_q;
    req_addr_d = req_addr_q;
    iptr_d     = iptr_q;
    started_d  = started_q;
    rsp_cnt_d  = rsp_cnt_q;
    done_o     = 1'b0;
    if (!req_busy_q) begin
      if (start_i) begin
        req_busy_d = 1'b1;
        cmd_d      = next_cmd;
        req_cnt_d  = '0;
        req_addr_d = next_cmd.dram_addr;
        iptr_d     = (iptr_q == LastPtr) ? '0 : iptr_q + 1'b1;
        started_d  = started_d + 1'b1;
      end
    end else if (req_fire) begin
      req_cnt_d  = req_cnt_q + 1'b1;
      req_addr_d = req_addr_q + cmd_q.stride;
      if (req_cnt_d == cmd_q.rows) req_busy_d = 1'b0;  // the next mvin may start next cycle
    end
    if (rsp_fire) begin
      rsp_cnt_d = rsp_cnt_q + 1'b1;
      if (rsp_cnt_d == head.rows) begin
        rsp_cnt_d = '0;
        started_d = started_d - 1'b1;
        done_o    = 1'b1;
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      req_busy_q <= 1'b0;
      cmd_q      <= '0;
      req_cnt_q  <= '0;
      req_addr_q <= '0;
      iptr_q     <= '0;
      started_q  <= '0;
      rsp_cnt_q  <= '0;
    end else begin
      req_busy_q <= req_busy_d;
      cmd_q      <= cmd_d;
      req_cnt_q  <= req_cnt_d;
      req_addr_q <= req_addr_d;
      iptr_q     <= iptr_d;
      started_q  <= started_d;
      rsp_cnt_q  <= rsp_cnt_d;
    end
  end

  // Invariants (checked when Verilated with --assert): a load response belongs to a started mvin.
  RspForStarted: assert property (@(posedge clk_i) disable iff (!rst_ni) !(rsp_valid_i && !has_started))
    else $error("load response with no mvin in flight");
endmodule
