// Load DMA unit: runs dma_load commands in order. Waits until the target half is not full, then
// sends the command's entries (entry i: `bytes` bytes at addr + i*stride) in bursts of up to
// 2^burst_log2_i entries, one read request per burst: the first burst carries the remainder
// ((rows-1) mod B) + 1, every later one B. A response carries its burst's entries (beat j at
// byte j*BeatBytes of rsp_data_i); its first entry is written in the cycle it arrives, the others
// one per cycle after it (bytes beyond `bytes` zeroed). The half is marked full with the last
// entry written. With B = 1 this is one request per entry, each written as it arrives.
module systolic_load import systolic_pkg::*; #(
  parameter int unsigned EntryBytes = 16,   // widest entry of IBUF and WBUF
  parameter int unsigned BeatBytes  = 64,   // a beat's pitch on the memory port (>= EntryBytes)
  parameter int unsigned Aw         = 8     // buffer address width
) (
  input  logic                  clk_i,
  input  logic                  rst_ni,
  input  logic [BurstLog2Width-1:0] burst_log2_i,  // configuration: B = 2^burst_log2_i, held
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
  output logic [LenWidth-1:0]   req_beats_o,
  input  logic                  rsp_valid_i,
  input  logic [MaxBurst*BeatBytes*8-1:0] rsp_data_i,
  // Buffer write port (IBUF or WBUF by cmd_i.wbuf).
  output logic                  buf_we_o,
  output logic [Aw-1:0]         buf_waddr_o,
  output logic [EntryBytes*8-1:0] buf_wdata_o,
  // Status.
  output logic                  idle_o,
  output logic                  busy_o,      // a command is running
  output logic                  stall_o      // the head waits for its half to be emptied
);
  localparam int unsigned EntryWidth = EntryBytes * 8;
  localparam int unsigned BeatW = $clog2(MaxBurst + 1);

  typedef enum logic {
    StIdle,
    StRun
  } state_e;

  state_e state_q, state_d;
  logic [LenWidth-1:0]  issued_q, issued_d, written_q, written_d;
  logic [AddrWidth-1:0] addr_q, addr_d;
  logic [LenWidth-1:0]  burst, first_beats, beats;
  // The burst being written: its entries after the first, and how many are left.
  logic [(MaxBurst-1)*EntryWidth-1:0] rest_q, rest_d;
  logic [BeatW-1:0] left_q, left_d;
  logic half_full, write;
  logic [EntryWidth-1:0] byte_mask, entry;
  logic [(MaxBurst-1)*EntryWidth-1:0] rsp_rest;  // beats 1.. of the response, packed

  for (genvar j = 1; j < MaxBurst; j++) begin : g_rest
    assign rsp_rest[(j-1)*EntryWidth +: EntryWidth] = rsp_data_i[j*BeatBytes*8 +: EntryWidth];
  end

  assign half_full   = cmd_i.wbuf ? wbuf_full_i[cmd_i.half] : ibuf_full_i[cmd_i.half];
  assign burst       = LenWidth'(1) << burst_log2_i;
  assign first_beats = ((cmd_i.rows - 1'b1) & (burst - 1'b1)) + 1'b1;
  assign beats       = (issued_q == '0) ? first_beats : burst;

  always_comb begin
    for (int b = 0; b < EntryBytes; b++) begin
      byte_mask[b*8 +: 8] = (LenWidth'(b) < cmd_i.bytes) ? 8'hff : 8'h00;
    end
  end

  assign req_valid_o = (state_q == StRun) && (issued_q != cmd_i.rows);
  assign req_addr_o  = addr_q;
  assign req_bytes_o = cmd_i.bytes;
  assign req_beats_o = beats;

  // A response's first entry goes straight to the buffer; the rest follow from rest_q.
  assign write       = (state_q == StRun) && (rsp_valid_i || left_q != '0);
  assign entry       = rsp_valid_i ? rsp_data_i[EntryWidth-1:0] : rest_q[EntryWidth-1:0];
  assign buf_we_o    = write;
  assign buf_waddr_o = written_q[Aw-1:0];
  assign buf_wdata_o = entry & byte_mask;

  always_comb begin
    state_d    = state_q;
    issued_d   = issued_q;
    written_d  = written_q;
    addr_d     = addr_q;
    rest_d     = rest_q;
    left_d     = left_q;
    set_full_o = 1'b0;
    cmd_pop_o  = 1'b0;
    unique case (state_q)
      StIdle: begin
        if (cmd_valid_i && !half_full) begin
          if (cmd_i.rows == '0) begin
            set_full_o = 1'b1;
            cmd_pop_o  = 1'b1;
          end else begin
            state_d   = StRun;
            issued_d  = '0;
            written_d = '0;
            left_d    = '0;
            addr_d    = cmd_i.addr;
          end
        end
      end
      StRun: begin
        if (req_valid_o && req_ready_i) begin
          issued_d = issued_q + beats;
          addr_d   = addr_q + AddrWidth'(beats) * cmd_i.stride;
        end
        if (rsp_valid_i) begin
          rest_d = rsp_rest;
          left_d = BeatW'(((written_q == '0) ? first_beats : burst) - 1'b1);
        end else if (left_q != '0) begin
          rest_d = rest_q >> EntryWidth;
          left_d = left_q - 1'b1;
        end
        if (write) begin
          written_d = written_q + 1'b1;
          if (written_q + 1'b1 == cmd_i.rows) begin
            set_full_o = 1'b1;
            cmd_pop_o  = 1'b1;
            state_d    = StIdle;
          end
        end
      end
      default: state_d = StIdle;
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q   <= StIdle;
      issued_q  <= '0;
      written_q <= '0;
      addr_q    <= '0;
      rest_q    <= '0;
      left_q    <= '0;
    end else begin
      state_q   <= state_d;
      issued_q  <= issued_d;
      written_q <= written_d;
      addr_q    <= addr_d;
      rest_q    <= rest_d;
      left_q    <= left_d;
    end
  end

  assign idle_o  = (state_q == StIdle) && !cmd_valid_i;
  assign busy_o  = (state_q == StRun) || (cmd_valid_i && !half_full);
  assign stall_o = (state_q == StIdle) && cmd_valid_i && half_full;

  // Beat bytes beyond the widest entry carry nothing for this unit.
  logic unused_rsp;
  assign unused_rsp = ^rsp_data_i;

  // A burst takes at least B cycles of the bus (rtl/common/dram_model.h: fixed-length bursts), so
  // a response never arrives while the previous one is still being written.
  NoOverrun: assert property (@(posedge clk_i) disable iff (!rst_ni) !(rsp_valid_i && left_q != '0))
    else $error("load response while the previous burst is still being written");
endmodule
