// Store DMA unit: runs dma_store commands in order. Waits until the OBUF half is full, reads its
// entries one by one and sends one write request per entry (the first `elems` int32, to
// addr + i*stride), clears the full flag once the last request is accepted, and stays busy
// until every write is acknowledged.
module systolic_store import systolic_pkg::*; #(
  parameter int unsigned EntryBytes = 64,  // OBUF entry: Cols int32
  parameter int unsigned MemBytes   = 64,
  parameter int unsigned Aw         = 8,
  parameter int unsigned MaxOutstanding = 1024  // bound of the acknowledgement counter
) (
  input  logic                  clk_i,
  input  logic                  rst_ni,
  input  logic                  cmd_valid_i,
  input  store_cmd_t            cmd_i,
  output logic                  cmd_pop_o,
  input  logic [1:0]            obuf_full_i,
  output logic                  clear_full_o,  // with cmd_i.half
  // OBUF read port.
  output logic                  buf_re_o,
  output logic [Aw-1:0]         buf_raddr_o,
  input  logic [EntryBytes*8-1:0] buf_rdata_i,
  // External memory (writes).
  output logic                  req_valid_o,
  input  logic                  req_ready_i,
  output logic [AddrWidth-1:0]  req_addr_o,
  output logic [LenWidth-1:0]   req_bytes_o,
  output logic [MemBytes*8-1:0] req_data_o,
  input  logic                  ack_valid_i,
  output logic                  idle_o,
  output logic                  busy_o,
  output logic                  stall_o   // the head waits for its half to be filled
);
  localparam int unsigned Ow = $clog2(MaxOutstanding + 1);
  localparam int unsigned MemWidth = MemBytes * 8;

  typedef enum logic {
    StIdle,
    StRun
  } state_e;

  state_e state_q, state_d;
  logic [LenWidth-1:0]  row_q, row_d;
  logic [AddrWidth-1:0] addr_q, addr_d;
  logic [Ow-1:0] outstanding_q, outstanding_d;
  logic accept, start;

  assign start  = (state_q == StIdle) && cmd_valid_i && obuf_full_i[cmd_i.half];
  assign accept = req_valid_o && req_ready_i;

  assign req_valid_o = (state_q == StRun);
  assign req_addr_o  = addr_q;
  assign req_bytes_o = {cmd_i.elems[LenWidth-3:0], 2'b00};
  assign req_data_o  = MemWidth'(buf_rdata_i);

  always_comb begin
    state_d      = state_q;
    row_d        = row_q;
    addr_d       = addr_q;
    buf_re_o     = 1'b0;
    buf_raddr_o  = '0;
    clear_full_o = 1'b0;
    cmd_pop_o    = 1'b0;
    unique case (state_q)
      StIdle: begin
        if (start) begin
          if (cmd_i.rows == '0) begin
            clear_full_o = 1'b1;
            cmd_pop_o    = 1'b1;
          end else begin
            // Read entry 0 now; its data is on buf_rdata_i for the first request next cycle.
            buf_re_o = 1'b1;
            state_d  = StRun;
            row_d    = '0;
            addr_d   = cmd_i.addr;
          end
        end
      end
      StRun: begin
        if (accept) begin
          if (row_q + 1'b1 == cmd_i.rows) begin
            clear_full_o = 1'b1;
            cmd_pop_o    = 1'b1;
            state_d      = StIdle;
          end else begin
            buf_re_o    = 1'b1;
            buf_raddr_o = Aw'(row_q + 1'b1);
            row_d       = row_q + 1'b1;
            addr_d      = addr_q + cmd_i.stride;
          end
        end
      end
      default: state_d = StIdle;
    endcase
  end

  always_comb begin
    outstanding_d = outstanding_q;
    unique case ({accept, ack_valid_i})
      2'b10:   outstanding_d = outstanding_q + 1'b1;
      2'b01:   outstanding_d = outstanding_q - 1'b1;
      default: outstanding_d = outstanding_q;
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q       <= StIdle;
      row_q         <= '0;
      addr_q        <= '0;
      outstanding_q <= '0;
    end else begin
      state_q       <= state_d;
      row_q         <= row_d;
      addr_q        <= addr_d;
      outstanding_q <= outstanding_d;
    end
  end

  assign idle_o  = (state_q == StIdle) && !cmd_valid_i && (outstanding_q == '0);
  assign busy_o  = (state_q == StRun) || start;
  assign stall_o = (state_q == StIdle) && cmd_valid_i && !obuf_full_i[cmd_i.half];

  // elems is at most Cols, far below 2^14: its top bits are never set.
  logic unused_elems;
  assign unused_elems = ^cmd_i.elems[LenWidth-1:LenWidth-2];
endmodule
