// DRAM address generator for loads: runs load commands in order. Waits until the target half is
// not full, then sends one burst request per chunk of each row (chunk c of row r: BurstBytes at
// addr + r*stride + c*BurstBytes; the AG always fetches whole bursts, the bytes past the row are
// masked), and writes each response into the PMU(s) at entry + r*ceil(row_bytes/Lanes) +
// c*BurstBytes/Lanes. With `fill`, marks the half full after the last response.
module plasticine_load import plasticine_pkg::*; #(
  parameter int unsigned Lanes      = 16,
  parameter int unsigned BurstBytes = 64,
  parameter int unsigned HalfAw     = 11,
  localparam int unsigned WriteEntries = BurstBytes / Lanes
) (
  input  logic                          clk_i,
  input  logic                          rst_ni,
  input  logic                          cmd_valid_i,
  input  load_cmd_t                     cmd_i,
  output logic                          cmd_pop_o,
  input  logic [1:0]                    full_i,
  output logic                          set_full_o,   // with cmd_i.half
  // External memory (reads).
  output logic                          req_valid_o,
  input  logic                          req_ready_i,
  output logic [AddrWidth-1:0]          req_addr_o,
  output logic [LenWidth-1:0]           req_bytes_o,
  input  logic                          rsp_valid_i,
  // PMU write (the PMUs take the response data directly).
  output logic                          pmu_we_o,
  output logic [HalfAw-1:0]             pmu_wentry_o,
  output logic [WriteEntries*Lanes-1:0] pmu_wmask_o,
  // Status.
  output logic                          idle_o,
  output logic                          busy_o,
  output logic                          stall_o       // the head waits for its half to be emptied
);
  localparam int unsigned LaneBits  = $clog2(Lanes);
  localparam int unsigned BurstBits = $clog2(BurstBytes);

  typedef enum logic {
    StIdle,
    StRun
  } state_e;

  state_e state_q, state_d;
  // Request side: row, chunk, row address; response side: row, chunk, row entry, byte offset.
  logic [LenWidth-1:0]  req_row_q, req_row_d, req_chunk_q, req_chunk_d;
  logic [AddrWidth-1:0] req_row_addr_q, req_row_addr_d;
  logic [LenWidth-1:0]  rsp_row_q, rsp_row_d, rsp_chunk_q, rsp_chunk_d;
  logic [LenWidth-1:0]  rsp_entry_q, rsp_entry_d;
  logic [LenWidth-1:0]  chunks, row_entries;
  logic req_last_chunk, rsp_last_chunk, req_done, done;

  assign chunks      = (cmd_i.row_bytes + LenWidth'(BurstBytes - 1)) >> BurstBits;
  assign row_entries = (cmd_i.row_bytes + LenWidth'(Lanes - 1)) >> LaneBits;
  assign req_last_chunk = (req_chunk_q + 1'b1 == chunks);
  assign rsp_last_chunk = (rsp_chunk_q + 1'b1 == chunks);
  assign req_done = (req_row_q == cmd_i.rows);

  assign req_valid_o = (state_q == StRun) && !req_done;
  assign req_addr_o  = req_row_addr_q + AddrWidth'({req_chunk_q, BurstBits'(0)});
  assign req_bytes_o = LenWidth'(BurstBytes);

  // Byte b of the burst is byte chunk*BurstBytes + b of the row.
  logic [LenWidth-1:0] row_offset;
  assign row_offset = {rsp_chunk_q[LenWidth-BurstBits-1:0], BurstBits'(0)};
  always_comb begin
    for (int b = 0; b < WriteEntries * Lanes; b++) begin
      pmu_wmask_o[b] = (row_offset + LenWidth'(b)) < cmd_i.row_bytes;
    end
  end
  assign pmu_we_o     = (state_q == StRun) && rsp_valid_i;
  assign pmu_wentry_o = HalfAw'(rsp_entry_q + (rsp_chunk_q << $clog2(WriteEntries)));

  assign done = (state_q == StRun) && rsp_valid_i && rsp_last_chunk && (rsp_row_q + 1'b1 == cmd_i.rows);

  always_comb begin
    state_d        = state_q;
    req_row_d      = req_row_q;
    req_chunk_d    = req_chunk_q;
    req_row_addr_d = req_row_addr_q;
    rsp_row_d      = rsp_row_q;
    rsp_chunk_d    = rsp_chunk_q;
    rsp_entry_d    = rsp_entry_q;
    set_full_o     = 1'b0;
    cmd_pop_o      = 1'b0;
    unique case (state_q)
      StIdle: begin
        if (cmd_valid_i && !full_i[cmd_i.half]) begin
          if (cmd_i.rows == '0) begin
            set_full_o = cmd_i.fill;
            cmd_pop_o  = 1'b1;
          end else begin
            state_d        = StRun;
            req_row_d      = '0;
            req_chunk_d    = '0;
            req_row_addr_d = cmd_i.addr;
            rsp_row_d      = '0;
            rsp_chunk_d    = '0;
            rsp_entry_d    = cmd_i.entry;
          end
        end
      end
      StRun: begin
        if (req_valid_o && req_ready_i) begin
          if (req_last_chunk) begin
            req_chunk_d    = '0;
            req_row_d      = req_row_q + 1'b1;
            req_row_addr_d = req_row_addr_q + cmd_i.stride;
          end else begin
            req_chunk_d = req_chunk_q + 1'b1;
          end
        end
        if (rsp_valid_i) begin
          if (rsp_last_chunk) begin
            rsp_chunk_d = '0;
            rsp_row_d   = rsp_row_q + 1'b1;
            rsp_entry_d = rsp_entry_q + row_entries;
          end else begin
            rsp_chunk_d = rsp_chunk_q + 1'b1;
          end
        end
        if (done) begin
          set_full_o = cmd_i.fill;
          cmd_pop_o  = 1'b1;
          state_d    = StIdle;
        end
      end
      default: state_d = StIdle;
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q        <= StIdle;
      req_row_q      <= '0;
      req_chunk_q    <= '0;
      req_row_addr_q <= '0;
      rsp_row_q      <= '0;
      rsp_chunk_q    <= '0;
      rsp_entry_q    <= '0;
    end else begin
      state_q        <= state_d;
      req_row_q      <= req_row_d;
      req_chunk_q    <= req_chunk_d;
      req_row_addr_q <= req_row_addr_d;
      rsp_row_q      <= rsp_row_d;
      rsp_chunk_q    <= rsp_chunk_d;
      rsp_entry_q    <= rsp_entry_d;
    end
  end

  assign idle_o  = (state_q == StIdle) && !cmd_valid_i;
  assign busy_o  = (state_q == StRun) || (cmd_valid_i && !full_i[cmd_i.half]);
  assign stall_o = (state_q == StIdle) && cmd_valid_i && full_i[cmd_i.half];

  // The top decodes the target PMU(s); chunk counts stay below 2^(LenWidth-BurstBits).
  logic unused_bits;
  assign unused_bits = ^rsp_chunk_q[LenWidth-1:LenWidth-BurstBits] ^ ^cmd_i.pmu ^ cmd_i.bcast;
endmodule
