// DRAM address generator for stores: runs store commands in order. Waits until the output half
// is full, then (unless rows or cols is 0) sends one write request per row (cols int32 of PCU `pcu`'s output buffer, row r
// from entry r*o_stride, to addr + r*stride); done at the cycle the last request is accepted;
// with `release_half`, frees the output half then. Write acknowledgements are counted for idle_o.
module plasticine_store import plasticine_pkg::*; #(
  parameter int unsigned BurstBytes = 64,
  parameter int unsigned OutAw      = 9
) (
  input  logic                    clk_i,
  input  logic                    rst_ni,
  input  logic                    cmd_valid_i,
  input  store_cmd_t              cmd_i,
  output logic                    cmd_pop_o,
  input  logic [1:0]              out_full_i,
  output logic                    clear_full_o,  // with cmd_i.half
  // Output buffer read (the PCU named by cmd_i.pcu), combinational.
  output logic [OutAw-1:0]        out_raddr_o,
  input  logic [BurstBytes*8-1:0] out_rdata_i,
  // External memory (writes).
  output logic                    req_valid_o,
  input  logic                    req_ready_i,
  output logic [AddrWidth-1:0]    req_addr_o,
  output logic [LenWidth-1:0]     req_bytes_o,
  output logic [BurstBytes*8-1:0] req_data_o,
  input  logic                    ack_valid_i,
  // Status.
  output logic                    idle_o,
  output logic                    busy_o,
  output logic                    stall_o       // the head waits for the compute
);
  typedef enum logic {
    StIdle,
    StRun
  } state_e;

  state_e state_q, state_d;
  logic [LenWidth-1:0]  row_q, row_d, entry_q, entry_d;
  logic [AddrWidth-1:0] addr_q, addr_d;
  logic [LenWidth-1:0]  pending_q, pending_d;  // writes accepted, not yet acknowledged
  logic accept, last;

  assign req_valid_o = (state_q == StRun);
  assign req_addr_o  = addr_q;
  assign req_bytes_o = {cmd_i.cols[LenWidth-3:0], 2'b00};
  assign req_data_o  = out_rdata_i;
  assign out_raddr_o = OutAw'(entry_q);
  assign accept      = req_valid_o && req_ready_i;
  assign last        = accept && (row_q + 1'b1 == cmd_i.rows);

  always_comb begin
    state_d      = state_q;
    row_d        = row_q;
    entry_d      = entry_q;
    addr_d       = addr_q;
    clear_full_o = 1'b0;
    cmd_pop_o    = 1'b0;
    unique case (state_q)
      StIdle: begin
        if (cmd_valid_i && out_full_i[cmd_i.half]) begin
          if (cmd_i.rows == '0 || cmd_i.cols == '0) begin  // nothing to move
            clear_full_o = cmd_i.release_half;
            cmd_pop_o    = 1'b1;
          end else begin
            state_d = StRun;
            row_d   = '0;
            entry_d = '0;
            addr_d  = cmd_i.addr;
          end
        end
      end
      StRun: begin
        if (accept) begin
          row_d   = row_q + 1'b1;
          entry_d = entry_q + cmd_i.o_stride;
          addr_d  = addr_q + cmd_i.stride;
        end
        if (last) begin
          clear_full_o = cmd_i.release_half;
          cmd_pop_o    = 1'b1;
          state_d      = StIdle;
        end
      end
      default: state_d = StIdle;
    endcase
  end

  always_comb begin
    pending_d = pending_q;
    if (accept && !ack_valid_i) pending_d = pending_q + 1'b1;
    if (!accept && ack_valid_i) pending_d = pending_q - 1'b1;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q   <= StIdle;
      row_q     <= '0;
      entry_q   <= '0;
      addr_q    <= '0;
      pending_q <= '0;
    end else begin
      state_q   <= state_d;
      row_q     <= row_d;
      entry_q   <= entry_d;
      addr_q    <= addr_d;
      pending_q <= pending_d;
    end
  end

  assign idle_o  = (state_q == StIdle) && !cmd_valid_i && (pending_q == '0);
  assign busy_o  = (state_q == StRun) || (cmd_valid_i && out_full_i[cmd_i.half]);
  assign stall_o = (state_q == StIdle) && cmd_valid_i && !out_full_i[cmd_i.half];

  // A row is at most BurstBytes; the top selects the PCU.
  logic unused_bits;
  assign unused_bits = ^cmd_i.cols[LenWidth-1:LenWidth-2] ^ ^cmd_i.pcu;
endmodule
