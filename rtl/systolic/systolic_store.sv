// Store DMA unit: runs dma_store commands in order. Waits until the OBUF half is full, then sends
// its entries (the first `elems` int32 of entry i, to addr + i*stride) in bursts of up to
// B = 2^burst_log2_i entries, one write request per burst: the first burst carries the remainder
// ((rows-1) mod B) + 1, every later one B. A burst's entries are read one per cycle (the first in
// the start cycle, a later burst's first in the cycle the previous request is accepted) and the
// request goes out the cycle after its last read (beat j at byte j*BeatBytes of req_data_o). The
// full flag is cleared once the last request is accepted; the unit stays busy until every write
// is acknowledged. With B = 1: one request per entry, back to back while the port is ready.
module systolic_store import systolic_pkg::*; #(
  parameter int unsigned EntryBytes = 64,  // OBUF entry: Cols int32
  parameter int unsigned BeatBytes  = 64,  // a beat's pitch on the memory port (>= EntryBytes)
  parameter int unsigned Aw         = 8,
  parameter int unsigned MaxOutstanding = 1024  // bound of the acknowledgement counter
) (
  input  logic                  clk_i,
  input  logic                  rst_ni,
  input  logic [BurstLog2Width-1:0] burst_log2_i,  // configuration: B = 2^burst_log2_i, held
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
  output logic [LenWidth-1:0]   req_beats_o,
  output logic [MaxBurst*BeatBytes*8-1:0] req_data_o,
  input  logic                  ack_valid_i,
  output logic                  idle_o,
  output logic                  busy_o,
  output logic                  stall_o   // the head waits for its half to be filled
);
  localparam int unsigned Ow = $clog2(MaxOutstanding + 1);
  localparam int unsigned EntryWidth = EntryBytes * 8;
  localparam int unsigned BeatW = $clog2(MaxBurst + 1);

  typedef enum logic {
    StIdle,
    StRun
  } state_e;

  state_e state_q, state_d;
  logic [LenWidth-1:0]  row_q, row_d;      // next entry to read
  logic [AddrWidth-1:0] addr_q, addr_d;
  logic [Ow-1:0] outstanding_q, outstanding_d;
  // The burst being gathered: its entry count, entries read, entries captured, a read last cycle.
  logic [BeatW-1:0] n_q, n_d, rd_q, rd_d, cap_q, cap_d;
  logic rv_q, rv_d;
  logic [EntryWidth-1:0] gather_q [MaxBurst];
  logic [BeatW-1:0] burst, first_beats;
  logic accept, start;

  assign burst       = BeatW'(1) << burst_log2_i;
  assign first_beats = BeatW'((cmd_i.rows - 1'b1) & (LenWidth'(burst) - 1'b1)) + 1'b1;
  assign start  = (state_q == StIdle) && cmd_valid_i && obuf_full_i[cmd_i.half];
  assign accept = req_valid_o && req_ready_i;

  // The request goes out with its last entry straight from the OBUF, or from gather_q if it waits.
  assign req_valid_o = (state_q == StRun) && (rv_q ? (cap_q + 1'b1 == n_q) : (cap_q == n_q));
  assign req_addr_o  = addr_q;
  assign req_bytes_o = {cmd_i.elems[LenWidth-3:0], 2'b00};
  assign req_beats_o = LenWidth'(n_q);
  always_comb begin
    req_data_o = '0;
    for (int j = 0; j < MaxBurst; j++) begin
      req_data_o[j*BeatBytes*8 +: EntryWidth] = (rv_q && BeatW'(j) == cap_q) ? buf_rdata_i : gather_q[j];
    end
  end

  always_comb begin
    state_d      = state_q;
    row_d        = row_q;
    addr_d       = addr_q;
    n_d          = n_q;
    rd_d         = rd_q;
    cap_d        = cap_q;
    rv_d         = 1'b0;
    buf_re_o     = 1'b0;
    buf_raddr_o  = Aw'(row_q);
    clear_full_o = 1'b0;
    cmd_pop_o    = 1'b0;
    unique case (state_q)
      StIdle: begin
        if (start) begin
          if (cmd_i.rows == '0) begin
            clear_full_o = 1'b1;
            cmd_pop_o    = 1'b1;
          end else begin
            // Read entry 0 now; its data is on buf_rdata_i next cycle.
            buf_re_o    = 1'b1;
            buf_raddr_o = '0;
            state_d     = StRun;
            row_d       = LenWidth'(1);
            addr_d      = cmd_i.addr;
            n_d         = first_beats;
            rd_d        = BeatW'(1);
            cap_d       = '0;
            rv_d        = 1'b1;
          end
        end
      end
      StRun: begin
        if (rv_q) cap_d = cap_q + 1'b1;
        if (accept) begin
          if (row_q == cmd_i.rows) begin
            clear_full_o = 1'b1;
            cmd_pop_o    = 1'b1;
            state_d      = StIdle;
          end else begin
            // The next burst (B entries) starts with its first read in the accept cycle.
            buf_re_o = 1'b1;
            row_d    = row_q + 1'b1;
            addr_d   = addr_q + AddrWidth'(n_q) * cmd_i.stride;
            n_d      = burst;
            rd_d     = BeatW'(1);
            cap_d    = '0;
            rv_d     = 1'b1;
          end
        end else if (rd_q != n_q) begin
          buf_re_o = 1'b1;
          row_d    = row_q + 1'b1;
          rd_d     = rd_q + 1'b1;
          rv_d     = 1'b1;
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
      n_q           <= '0;
      rd_q          <= '0;
      cap_q         <= '0;
      rv_q          <= 1'b0;
    end else begin
      state_q       <= state_d;
      row_q         <= row_d;
      addr_q        <= addr_d;
      outstanding_q <= outstanding_d;
      n_q           <= n_d;
      rd_q          <= rd_d;
      cap_q         <= cap_d;
      rv_q          <= rv_d;
    end
  end

  // The entry read last cycle is kept in its slot (the request may wait for the port).
  always_ff @(posedge clk_i) begin
    if (state_q == StRun && rv_q && !accept) gather_q[cap_q[$clog2(MaxBurst)-1:0]] <= buf_rdata_i;
  end

  assign idle_o  = (state_q == StIdle) && !cmd_valid_i && (outstanding_q == '0);
  assign busy_o  = (state_q == StRun) || start;
  assign stall_o = (state_q == StIdle) && cmd_valid_i && !obuf_full_i[cmd_i.half];

  // elems is at most Cols, far below 2^14: its top bits are never set.
  logic unused_elems;
  assign unused_elems = ^cmd_i.elems[LenWidth-1:LenWidth-2];
endmodule
