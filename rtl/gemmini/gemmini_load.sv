// Load unit: runs mvins one at a time. Sends one read request per row (stride apart) as fast as
// the memory port takes them and writes each response row, zero-padded past `cols`, into the
// scratchpad or the accumulator. The command leaves its queue when its last row is written.
module gemmini_load import gemmini_pkg::*; #(
  parameter int unsigned Dim     = 4,
  parameter int unsigned SpRows  = 1024,
  parameter int unsigned AccRows = 256,
  localparam int unsigned SpAw   = $clog2(SpRows),
  localparam int unsigned AccAw  = $clog2(AccRows),
  localparam int unsigned MemBytes = 4 * Dim
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,
  input  logic                   start_i,      // head may start (queued and not blocked)
  input  ld_cmd_t                cmd_i,        // queue head
  output logic                   done_o,       // pop the head: its last row is written
  output logic                   active_o,
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
  output logic                   sp_we_o,
  output logic [SpAw-1:0]        sp_waddr_o,
  output logic [Dim*8-1:0]       sp_wdata_o,
  output logic                   acc_we_o,
  output logic [AccAw-1:0]       acc_waddr_o,
  output logic [Dim*32-1:0]      acc_wdata_o,
  input  logic                   acc_gnt_i
);
  logic active_q, active_d;
  ld_cmd_t cmd_q, cmd_d;
  logic [LenWidth-1:0] req_cnt_q, req_cnt_d, rsp_cnt_q, rsp_cnt_d;
  logic [AddrWidth-1:0] req_addr_q, req_addr_d;
  logic req_fire, rsp_fire;

  assign active_o    = active_q;
  assign req_valid_o = active_q && (req_cnt_q != cmd_q.rows);
  assign req_addr_o  = req_addr_q;
  assign req_bytes_o = cmd_q.to_acc ? 16'(cmd_q.cols) << 2 : 16'(cmd_q.cols);
  assign req_fire    = req_valid_o && req_ready_i;

  // A response row is written as it arrives; an accumulator write may have to wait for its bank.
  assign sp_we_o     = active_q && rsp_valid_i && !cmd_q.to_acc;
  assign acc_we_o    = active_q && rsp_valid_i && cmd_q.to_acc;
  assign rsp_ready_o = active_q && (!cmd_q.to_acc || acc_gnt_i);
  assign rsp_fire    = rsp_valid_i && rsp_ready_o;
  assign sp_waddr_o  = SpAw'(cmd_q.local_addr) + SpAw'(rsp_cnt_q);
  assign acc_waddr_o = AccAw'(cmd_q.local_addr) + AccAw'(rsp_cnt_q);
  assign dma_wait_o  = active_q && !req_fire && !rsp_fire;

  always_comb begin
    for (int e = 0; e < Dim; e++) begin
      sp_wdata_o[e*8 +: 8]   = (LenWidth'(e) < cmd_q.cols) ? rsp_rdata_i[e*8 +: 8] : 8'd0;
      acc_wdata_o[e*32 +: 32] = (LenWidth'(e) < cmd_q.cols) ? rsp_rdata_i[e*32 +: 32] : 32'd0;
    end
  end

  always_comb begin
    active_d   = active_q;
    cmd_d      = cmd_q;
    req_cnt_d  = req_cnt_q;
    rsp_cnt_d  = rsp_cnt_q;
    req_addr_d = req_addr_q;
    done_o     = 1'b0;
    if (!active_q) begin
      if (start_i) begin
        active_d   = 1'b1;
        cmd_d      = cmd_i;
        req_cnt_d  = '0;
        rsp_cnt_d  = '0;
        req_addr_d = cmd_i.dram_addr;
      end
    end else begin
      if (req_fire) begin
        req_cnt_d  = req_cnt_q + 1'b1;
        req_addr_d = req_addr_q + cmd_q.stride;
      end
      if (rsp_fire) begin
        rsp_cnt_d = rsp_cnt_q + 1'b1;
        if (rsp_cnt_d == cmd_q.rows) begin
          active_d = 1'b0;
          done_o   = 1'b1;
        end
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      active_q   <= 1'b0;
      cmd_q      <= '0;
      req_cnt_q  <= '0;
      rsp_cnt_q  <= '0;
      req_addr_q <= '0;
    end else begin
      active_q   <= active_d;
      cmd_q      <= cmd_d;
      req_cnt_q  <= req_cnt_d;
      rsp_cnt_q  <= rsp_cnt_d;
      req_addr_q <= req_addr_d;
    end
  end
endmodule
