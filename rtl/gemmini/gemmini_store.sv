// Store unit: runs mvouts one at a time. Reads a row of the scratchpad or the accumulator,
// converts it (int8 row, raw int32 row, or requantised: ReLU, rounding right shift, int8
// saturation) and sends it as one write request; reads of the next row overlap the request.
// The command leaves its queue when every write has been acknowledged.
module gemmini_store import gemmini_pkg::*; #(
  parameter int unsigned Dim     = 4,
  parameter int unsigned SpRows  = 1024,
  parameter int unsigned AccRows = 256,
  localparam int unsigned SpAw   = $clog2(SpRows),
  localparam int unsigned AccAw  = $clog2(AccRows),
  localparam int unsigned MemBytes = 4 * Dim
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,
  input  logic                   start_i,
  input  st_cmd_t                cmd_i,
  output logic                   done_o,
  output logic                   active_o,
  output logic                   dma_wait_o,   // active, nothing moved this cycle
  // External memory.
  output logic                   req_valid_o,
  input  logic                   req_ready_i,
  output logic [AddrWidth-1:0]   req_addr_o,
  output logic [15:0]            req_bytes_o,
  output logic [MemBytes*8-1:0]  req_wdata_o,
  input  logic                   rsp_valid_i,  // write acknowledgements
  // Local memories.
  output logic                   sp_re_o,
  output logic [SpAw-1:0]        sp_raddr_o,
  input  logic                   sp_gnt_i,
  input  logic [Dim*8-1:0]       sp_rdata_i,
  output logic                   acc_re_o,
  output logic [AccAw-1:0]       acc_raddr_o,
  input  logic [Dim*32-1:0]      acc_rdata_i
);
  logic active_q, active_d;
  st_cmd_t cmd_q, cmd_d;
  logic [LenWidth-1:0] rd_cnt_q, rd_cnt_d, ack_cnt_q, ack_cnt_d;
  logic [AddrWidth-1:0] addr_q, addr_d;
  logic rd_pending_q, rd_pending_d, buf_valid_q, buf_valid_d;
  logic [MemBytes*8-1:0] buf_q, buf_d, row;
  logic want_read, read_fire, req_fire;

  // Row conversion of the data read last cycle (only then: it is needed in no other cycle).
  always_comb begin
    row = '0;
    if (rd_pending_q) begin
      if (!cmd_q.from_acc) begin
        row[Dim*8-1:0] = sp_rdata_i;
      end else if (cmd_q.full) begin
        row = acc_rdata_i;
      end else begin
        for (int e = 0; e < Dim; e++) row[e*8 +: 8] = requantise(acc_rdata_i[e*32 +: 32], cmd_q.relu, cmd_q.shift);
      end
    end
  end

  assign active_o    = active_q;
  assign want_read   = active_q && (rd_cnt_q != cmd_q.rows) && !rd_pending_q && (!buf_valid_q || req_fire);
  assign sp_re_o     = want_read && !cmd_q.from_acc;
  assign acc_re_o    = want_read && cmd_q.from_acc;
  assign sp_raddr_o  = SpAw'(cmd_q.local_addr) + SpAw'(rd_cnt_q);
  assign acc_raddr_o = AccAw'(cmd_q.local_addr) + AccAw'(rd_cnt_q);
  assign read_fire   = acc_re_o || (sp_re_o && sp_gnt_i);

  assign req_valid_o = buf_valid_q;
  assign req_addr_o  = addr_q;
  assign req_bytes_o = (cmd_q.from_acc && cmd_q.full) ? 16'(cmd_q.cols) << 2 : 16'(cmd_q.cols);
  assign req_wdata_o = buf_q;
  assign req_fire    = req_valid_o && req_ready_i;
  assign dma_wait_o  = active_q && !req_fire && !read_fire && !rd_pending_q;

  always_comb begin
    active_d     = active_q;
    cmd_d        = cmd_q;
    rd_cnt_d     = rd_cnt_q;
    ack_cnt_d    = ack_cnt_q;
    addr_d       = addr_q;
    rd_pending_d = read_fire;
    buf_valid_d  = buf_valid_q;
    buf_d        = buf_q;
    done_o       = 1'b0;
    if (!active_q) begin
      if (start_i) begin
        active_d  = 1'b1;
        cmd_d     = cmd_i;
        rd_cnt_d  = '0;
        ack_cnt_d = '0;
        addr_d    = cmd_i.dram_addr;
      end
    end else begin
      if (read_fire) rd_cnt_d = rd_cnt_q + 1'b1;
      if (req_fire) begin
        buf_valid_d = 1'b0;
        addr_d      = addr_q + cmd_q.stride;
      end
      if (rd_pending_q) begin
        buf_valid_d = 1'b1;
        buf_d       = row;
      end
      if (rsp_valid_i) ack_cnt_d = ack_cnt_q + 1'b1;
      if (ack_cnt_d == cmd_q.rows) begin
        active_d = 1'b0;
        done_o   = 1'b1;
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      active_q     <= 1'b0;
      cmd_q        <= '0;
      rd_cnt_q     <= '0;
      ack_cnt_q    <= '0;
      addr_q       <= '0;
      rd_pending_q <= 1'b0;
      buf_valid_q  <= 1'b0;
      buf_q        <= '0;
    end else begin
      active_q     <= active_d;
      cmd_q        <= cmd_d;
      rd_cnt_q     <= rd_cnt_d;
      ack_cnt_q    <= ack_cnt_d;
      addr_q       <= addr_d;
      rd_pending_q <= rd_pending_d;
      buf_valid_q  <= buf_valid_d;
      buf_q        <= buf_d;
    end
  end

endmodule
