// Load DMA unit: runs dma_load commands in order, with the requests of several commands in flight.
// A request side takes the next queued command once it is free (from the cycle after the previous
// command's last request was accepted) and the command's half is neither full nor
// the target of a command still in flight; it sends the command's reps x rows entries (entry
// r*rows + i: `bytes` bytes at addr + r*rep_stride + i*stride) rep by rep, in bursts of up to
// 2^burst_log2_i entries, one read request per burst: a rep's first burst carries the remainder
// ((rows-1) mod B) + 1, every later one B (no burst crosses a rep). A response side
// writes the responses (in request order) for the oldest started command, the queue head: a
// response's first entry in the cycle it arrives, the others one per cycle after it (bytes beyond
// `bytes` zeroed; beat j at byte j*BeatBytes of rsp_data_i). The head's half is marked full and the
// head popped with its last entry written, so commands complete in order. It reads the commands
// behind the head where they are queued (acv_slot_fifo's slots, as gemmini_load does).
module systolic_load import systolic_pkg::*; #(
  parameter int unsigned EntryBytes = 16,   // widest entry of IBUF and WBUF
  parameter int unsigned BeatBytes  = 64,   // a beat's pitch on the memory port (>= EntryBytes)
  parameter int unsigned Aw         = 8,    // buffer address width
  parameter int unsigned Depth      = 4     // load queue entries
) (
  input  logic                  clk_i,
  input  logic                  rst_ni,
  input  logic [BurstLog2Width-1:0] burst_log2_i,  // configuration: B = 2^burst_log2_i, held
  // The load queue: its slots (commands behind the head) and its head, popped when the head is
  // complete.
  input  logic [$bits(load_cmd_t)-1:0] slots_i [Depth],
  input  logic [Depth-1:0]      slot_valid_i,
  input  logic [((Depth > 1) ? $clog2(Depth) : 1)-1:0] head_ptr_i,
  input  logic                  cmd_valid_i,
  /* verilator lint_off UNUSEDSIGNAL */  // the response side needs only where the entries go
  input  load_cmd_t             cmd_i,
  /* verilator lint_on UNUSEDSIGNAL */
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
  output logic [AddrWidth-1:0]  req_stride_o,
  input  logic                  rsp_valid_i,
  input  logic [MaxBurst*BeatBytes*8-1:0] rsp_data_i,
  // Buffer write port (IBUF or WBUF by cmd_i.wbuf, half cmd_i.half).
  output logic                  buf_we_o,
  output logic [Aw-1:0]         buf_waddr_o,
  output logic [EntryBytes*8-1:0] buf_wdata_o,
  // Status.
  output logic                  idle_o,
  output logic                  busy_o,      // a command is started or in flight
  output logic                  stall_o      // the next command waits for its half
);
  localparam int unsigned EntryWidth = EntryBytes * 8;
  localparam int unsigned BeatW = $clog2(MaxBurst + 1);
  localparam int unsigned Pw    = (Depth > 1) ? $clog2(Depth) : 1;
  localparam int unsigned Cw    = $clog2(Depth + 1);
  localparam logic [Pw-1:0] LastPtr = Pw'(Depth - 1);

  // The next command to start is in slot iptr_q; started_q commands from the head on are started.
  logic [Pw-1:0] iptr_q, iptr_d, last_started;
  logic [Cw-1:0] started_q, started_d;
  load_cmd_t next_cmd;
  assign next_cmd     = load_cmd_t'(slots_i[iptr_q]);
  assign last_started = (iptr_q == '0) ? LastPtr : iptr_q - 1'b1;

  // Request side: the command whose requests are being sent; entries requested of the current
  // rep, reps requested before it, the next request's address and the current rep's first.
  logic                 req_busy_q, req_busy_d;
  load_cmd_t            rcmd_q, rcmd_d;
  logic [LenWidth-1:0]  issued_q, issued_d, rep_q, rep_d;
  logic [AddrWidth-1:0] addr_q, addr_d, rep_addr_q, rep_addr_d;
  // Halves a started command will fill: [1:0] IBUF, [3:2] WBUF, by half.
  logic [3:0]           pend_q, pend_d;
  // Response side: entries of the head's current rep written, reps written before it, the buffer
  // entry written next, and its burst being written (its entries after the first, and how many
  // are left).
  logic [LenWidth-1:0]  written_q, written_d, wrep_q, wrep_d, waddr_q, waddr_d;
  logic [(MaxBurst-1)*EntryWidth-1:0] rest_q, rest_d;
  logic [BeatW-1:0]     left_q, left_d;

  logic [LenWidth-1:0]  burst, beats, rsp_beats;
  logic req_fire, req_rep_end, req_last, req_free, unstarted, next_blocked, start, done, write, rep_written;
  logic [1:0] next_slot, head_slot;
  logic [EntryWidth-1:0] byte_mask, entry;
  logic [(MaxBurst-1)*EntryWidth-1:0] rsp_rest;  // beats 1.. of the response, packed

  for (genvar j = 1; j < MaxBurst; j++) begin : g_rest
    assign rsp_rest[(j-1)*EntryWidth +: EntryWidth] = rsp_data_i[j*BeatBytes*8 +: EntryWidth];
  end

  function automatic logic [LenWidth-1:0] first_beats(logic [LenWidth-1:0] rows, logic [LenWidth-1:0] b);
    return ((rows - 1'b1) & (b - 1'b1)) + 1'b1;
  endfunction

  assign burst     = LenWidth'(1) << burst_log2_i;
  assign beats     = (issued_q == '0) ? first_beats(rcmd_q.rows, burst) : burst;
  assign rsp_beats = (written_q == '0) ? first_beats(cmd_i.rows, burst) : burst;
  assign next_slot = {next_cmd.wbuf, next_cmd.half};
  assign head_slot = {cmd_i.wbuf, cmd_i.half};

  assign req_valid_o  = req_busy_q;
  assign req_addr_o   = addr_q;
  assign req_bytes_o  = rcmd_q.bytes;
  assign req_beats_o  = beats;
  assign req_stride_o = rcmd_q.stride;
  assign req_fire     = req_valid_o && req_ready_i;
  assign req_rep_end  = issued_q + beats == rcmd_q.rows;
  assign req_last     = req_rep_end && rep_q + 1'b1 == rcmd_q.reps;

  // The next command starts once the request side is free (from the cycle after the previous
  // command's last request was accepted), with its half neither full nor still to be filled by a
  // started command. A command of no rows starts only with nothing in flight, so it completes
  // (marks its half full) in order, in its start cycle.
  assign req_free     = !req_busy_q;
  assign unstarted    = slot_valid_i[iptr_q] && started_q != Cw'(Depth);
  assign next_blocked = (next_cmd.wbuf ? wbuf_full_i[next_cmd.half] : ibuf_full_i[next_cmd.half])
                        || pend_q[next_slot] || (next_cmd.rows == '0 && started_q != '0);
  assign start        = req_free && unstarted && !next_blocked;

  always_comb begin
    for (int b = 0; b < EntryBytes; b++) begin
      byte_mask[b*8 +: 8] = (LenWidth'(b) < cmd_i.bytes) ? 8'hff : 8'h00;
    end
  end

  // A response's first entry goes straight to the buffer; the rest follow from rest_q.
  assign write       = rsp_valid_i || left_q != '0;
  assign entry       = rsp_valid_i ? rsp_data_i[EntryWidth-1:0] : rest_q[EntryWidth-1:0];
  assign buf_we_o    = write;
  assign buf_waddr_o = waddr_q[Aw-1:0];
  assign buf_wdata_o = entry & byte_mask;
  // The head is done with its last rep's last entry written, or (no rows) when it starts.
  assign rep_written = write && written_q + 1'b1 == cmd_i.rows;
  assign done        = (rep_written && wrep_q + 1'b1 == cmd_i.reps) || (start && next_cmd.rows == '0);
  assign set_full_o  = done;
  assign cmd_pop_o   = done;

  always_comb begin
    req_busy_d = req_busy_q;
    rcmd_d     = rcmd_q;
    issued_d   = issued_q;
    addr_d     = addr_q;
    rep_d      = rep_q;
    rep_addr_d = rep_addr_q;
    iptr_d     = iptr_q;
    started_d  = started_q;
    pend_d     = pend_q;
    written_d  = written_q;
    wrep_d     = wrep_q;
    waddr_d    = waddr_q;
    rest_d     = rest_q;
    left_d     = left_q;
    if (req_fire) begin
      issued_d = issued_q + beats;
      addr_d   = addr_q + AddrWidth'(beats) * rcmd_q.stride;
      if (req_rep_end) begin  // the next rep's first request follows in the next cycle
        issued_d   = '0;
        rep_d      = rep_q + 1'b1;
        rep_addr_d = rep_addr_q + rcmd_q.rep_stride;
        addr_d     = rep_addr_q + rcmd_q.rep_stride;
      end
      if (req_last) req_busy_d = 1'b0;
    end
    if (start) begin
      iptr_d    = (iptr_q == LastPtr) ? '0 : iptr_q + 1'b1;
      started_d = started_d + 1'b1;
      if (next_cmd.rows != '0) begin
        req_busy_d        = 1'b1;
        rcmd_d            = next_cmd;
        issued_d          = '0;
        addr_d            = next_cmd.addr;
        rep_d             = '0;
        rep_addr_d        = next_cmd.addr;
        pend_d[next_slot] = 1'b1;
      end
    end
    if (rsp_valid_i) begin
      rest_d = rsp_rest;
      left_d = BeatW'(rsp_beats - 1'b1);
    end else if (left_q != '0) begin
      rest_d = rest_q >> EntryWidth;
      left_d = left_q - 1'b1;
    end
    if (write) begin
      written_d = written_q + 1'b1;
      waddr_d   = waddr_q + 1'b1;
    end
    if (rep_written) begin
      written_d = '0;
      wrep_d    = wrep_q + 1'b1;
    end
    if (done) begin
      written_d         = '0;
      wrep_d            = '0;
      waddr_d           = '0;
      started_d         = started_d - 1'b1;
      pend_d[head_slot] = 1'b0;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      iptr_q     <= '0;
      started_q  <= '0;
      req_busy_q <= 1'b0;
      rcmd_q     <= '0;
      issued_q   <= '0;
      addr_q     <= '0;
      rep_q      <= '0;
      rep_addr_q <= '0;
      pend_q     <= '0;
      written_q  <= '0;
      wrep_q     <= '0;
      waddr_q    <= '0;
      rest_q     <= '0;
      left_q     <= '0;
    end else begin
      iptr_q     <= iptr_d;
      started_q  <= started_d;
      req_busy_q <= req_busy_d;
      rcmd_q     <= rcmd_d;
      issued_q   <= issued_d;
      addr_q     <= addr_d;
      rep_q      <= rep_d;
      rep_addr_q <= rep_addr_d;
      pend_q     <= pend_d;
      written_q  <= written_d;
      wrep_q     <= wrep_d;
      waddr_q    <= waddr_d;
      rest_q     <= rest_d;
      left_q     <= left_d;
    end
  end

  assign idle_o  = (started_q == '0) && !cmd_valid_i;
  assign busy_o  = (started_q != '0) || start;
  assign stall_o = req_free && unstarted && next_blocked;

  // Beat bytes beyond the widest entry carry nothing for this unit.
  logic unused_rsp;
  assign unused_rsp = ^rsp_data_i;

  // A burst takes at least B cycles of the bus (rtl/common/dram_model.h: fixed-length bursts), so
  // a response never arrives while the previous one is still being written.
  NoOverrun: assert property (@(posedge clk_i) disable iff (!rst_ni) !(rsp_valid_i && left_q != '0))
    else $error("load response while the previous burst is still being written");
  // Responses come in request order, for the oldest started command: one is started, and the
  // entries written never outrun the ones requested.
  RspForStarted: assert property (@(posedge clk_i) disable iff (!rst_ni) !(write && started_q == '0))
    else $error("load response with no command in flight");
  // The started commands are the queue's oldest: the first at its head.
  StartedFromHead: assert property (@(posedge clk_i) disable iff (!rst_ni)
                                    started_q == '0 || iptr_q == Pw'((32'(head_ptr_i) + 32'(started_q)) % Depth))
    else $error("load unit's started commands are not the queue's oldest");
  // A half is filled by one command at a time, and only once it is empty.
  OneFillPerHalf: assert property (@(posedge clk_i) disable iff (!rst_ni)
                                   !(start && next_cmd.rows != '0 && pend_q[next_slot]))
    else $error("load started into a half a command in flight fills");
  // A command with rows moves at least one rep (the driver checks reps >= 1).
  SomeReps: assert property (@(posedge clk_i) disable iff (!rst_ni)
                             !(start && next_cmd.rows != '0 && next_cmd.reps == '0))
    else $error("load started with rows but no reps");
  NoneStartedBeyondQueue: assert property (@(posedge clk_i) disable iff (!rst_ni)
                                           started_q == '0 || slot_valid_i[last_started])
    else $error("a started load command is not in the queue");
endmodule
