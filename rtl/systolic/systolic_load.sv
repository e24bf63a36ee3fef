// Load DMA unit: runs dma_load commands in order. Waits until the target half is not full, sends
// one read request per entry (entry i: `bytes` bytes at addr + i*stride), writes each response
// into the next entry (bytes beyond `bytes` zeroed), and marks the half full after the last one.
module systolic_load import systolic_pkg::*; #(
  parameter int unsigned EntryBytes = 16,   // widest entry of IBUF and WBUF
  parameter int unsigned MemBytes   = 64,   // external memory data port width
  parameter int unsigned Aw         = 8     // buffer address width
) (
  input  logic                  clk_i,
  input  logic                  rst_ni,
  // Head of the load queue; popped when the command is complete.
  input  logic                  cmd_valid_i,
  input  load_cmd_t             cmd_i,
  output logic                  cmd_pop_o,
  // Full flags: [0] IBUF, [1] WBUF, per half.
  input  logic [1:0]            ibuf_full_i,
  input  logic [1:0]            wbuf_full_i,
  output logic                  set_full_o,   // with cmd_i.wbuf / cmd_i.half
  // External memory (reads).
  output logic                  req_valid_o,
  input  logic                  req_ready_i,
  output logic [AddrWidth-1:0]  req_addr_o,
  output logic [LenWidth-1:0]   req_bytes_o,
  input  logic                  rsp_valid_i,
  input  logic [MemBytes*8-1:0] rsp_data_i,
  // Buffer write port (IBUF or WBUF by cmd_i.wbuf).
  output logic                  buf_we_o,
  output logic [Aw-1:0]         buf_waddr_o,
  output logic [EntryBytes*8-1:0] buf_wdata_o,
  // Status.
  output logic                  idle_o,
  output logic                  busy_o,      // a command is running
  output logic                  stall_o      // the head waits for its half to be emptied
);
  typedef enum logic {
    StIdle,
    StRun
  } state_e;

  state_e state_q, state_d;
  logic [LenWidth-1:0]  issued_q, issued_d, received_q, received_d;
  logic [AddrWidth-1:0] addr_q, addr_d;
  logic half_full, done;
  logic [EntryBytes*8-1:0] byte_mask;

  assign half_full = cmd_i.wbuf ? wbuf_full_i[cmd_i.half] : ibuf_full_i[cmd_i.half];

  always_comb begin
    for (int b = 0; b < EntryBytes; b++) begin
      byte_mask[b*8 +: 8] = (LenWidth'(b) < cmd_i.bytes) ? 8'hff : 8'h00;
    end
  end

  assign req_valid_o = (state_q == StRun) && (issued_q != cmd_i.rows);
  assign req_addr_o  = addr_q;
  assign req_bytes_o = cmd_i.bytes;

  assign buf_we_o    = (state_q == StRun) && rsp_valid_i;
  assign buf_waddr_o = received_q[Aw-1:0];
  assign buf_wdata_o = rsp_data_i[EntryBytes*8-1:0] & byte_mask;

  assign done = (state_q == StRun) && rsp_valid_i && (received_q + 1'b1 == cmd_i.rows);

  always_comb begin
    state_d    = state_q;
    issued_d   = issued_q;
    received_d = received_q;
    addr_d     = addr_q;
    set_full_o = 1'b0;
    cmd_pop_o  = 1'b0;
    unique case (state_q)
      StIdle: begin
        if (cmd_valid_i && !half_full) begin
          if (cmd_i.rows == '0) begin
            set_full_o = 1'b1;
            cmd_pop_o  = 1'b1;
          end else begin
            state_d    = StRun;
            issued_d   = '0;
            received_d = '0;
            addr_d     = cmd_i.addr;
          end
        end
      end
      StRun: begin
        if (req_valid_o && req_ready_i) begin
          issued_d = issued_q + 1'b1;
          addr_d   = addr_q + cmd_i.stride;
        end
        if (rsp_valid_i) received_d = received_q + 1'b1;
        if (done) begin
          set_full_o = 1'b1;
          cmd_pop_o  = 1'b1;
          state_d    = StIdle;
        end
      end
      default: state_d = StIdle;
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q    <= StIdle;
      issued_q   <= '0;
      received_q <= '0;
      addr_q     <= '0;
    end else begin
      state_q    <= state_d;
      issued_q   <= issued_d;
      received_q <= received_d;
      addr_q     <= addr_d;
    end
  end

  assign idle_o  = (state_q == StIdle) && !cmd_valid_i;
  assign busy_o  = (state_q == StRun) || (cmd_valid_i && !half_full);
  assign stall_o = (state_q == StIdle) && cmd_valid_i && half_full;

  // Response bytes beyond the widest entry carry nothing for this unit.
  logic unused_rsp;
  assign unused_rsp = ^rsp_data_i;
endmodule
