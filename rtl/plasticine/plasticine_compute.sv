// The compute controller: runs route and compute commands in order for all PCUs in lock step.
// A compute waits until its PMU half is full and its output half empty, then its counter chain
// (k chunk innermost, then n, then m) and the PMU address generators issue one A / B vector read
// per cycle while the PCUs' input FIFOs have credit; the tag (lane mask over K, first / last
// chunk, output entry) travels beside the read data. Done at the cycle the last result is
// written: the half is freed and the output half marked full.
module plasticine_compute import plasticine_pkg::*; #(
  parameter int unsigned Lanes     = 16,
  parameter int unsigned HalfAw    = 11,
  parameter int unsigned OutAw     = 9,
  parameter int unsigned FifoDepth = 4
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,
  input  logic                 cmd_valid_i,
  input  compute_cmd_t         cmd_i,
  output logic                 cmd_pop_o,
  input  logic [1:0]           full_i,
  input  logic [1:0]           out_full_i,
  output logic                 release_o,      // frees cmd_i.half
  output logic                 set_out_full_o, // marks cmd_i.o_half full
  output logic                 route_we_o,     // a route command: cmd_i.pcu reads cmd_i.pmu
  // PMU reads (every PMU, lock step).
  output logic                 re_o,
  output logic                 rhalf_o,
  output logic [HalfAw-1:0]    raddr_a_o,
  output logic [HalfAw-1:0]    raddr_b_o,
  // Stream tag, valid with the PMU read data (the cycle after re_o).
  output logic                 vec_valid_o,
  output logic [Lanes-1:0]     vec_mask_o,
  output logic                 vec_first_o,
  output logic                 vec_last_o,
  output logic                 vec_ohalf_o,
  output logic [OutAw-1:0]     vec_oaddr_o,
  // From PCU 0 (all PCUs move together).
  input  logic                 pcu_pop_i,
  input  logic                 pcu_out_we_i,
  // Status.
  output logic                 idle_o,
  output logic                 busy_o,
  output logic                 stall_load_o,   // waits for its half to be filled
  output logic                 stall_store_o,  // waits for its output half to be emptied
  output logic                 stall_credit_o  // a read held back by a full input FIFO
);
  localparam int unsigned CreditW = $clog2(FifoDepth + 2);

  typedef enum logic {
    StIdle,
    StRun
  } state_e;

  state_e state_q, state_d;
  logic [LenWidth-1:0] c_q, c_d, n_q, n_d, m_q, m_d;         // counter chain
  logic [LenWidth-1:0] a_row_q, a_row_d, b_row_q, b_row_d;   // a_entry + m*k_chunks, b_entry + n*k_chunks
  logic [LenWidth-1:0] o_row_q, o_row_d;                     // m*o_stride
  logic [LenWidth-1:0] k_base_q, k_base_d;                   // c*Lanes
  logic issued_all_q, issued_all_d;
  logic [31:0] results_left_q, results_left_d;
  logic [CreditW-1:0] credits_q, credits_d;                  // vectors in flight to / in the FIFOs
  logic can_start, issue, last_c, last_n, last_m, done;

  // Tag pipeline register (the PMU read latency).
  logic vec_valid_q, vec_first_q, vec_last_q;
  logic [Lanes-1:0] vec_mask_q, mask;
  logic [OutAw-1:0] vec_oaddr_q;

  assign can_start = cmd_valid_i && !cmd_i.is_route && full_i[cmd_i.half] && !out_full_i[cmd_i.o_half];
  assign issue  = (state_q == StRun) && !issued_all_q && (credits_q < CreditW'(FifoDepth));
  assign last_c = (c_q + 1'b1 == cmd_i.k_chunks);
  assign last_n = (n_q + 1'b1 == cmd_i.n_len);
  assign last_m = (m_q + 1'b1 == cmd_i.m_len);
  assign done   = (state_q == StRun) && pcu_out_we_i && (results_left_q == 32'd1);

  always_comb begin
    for (int l = 0; l < Lanes; l++) mask[l] = (k_base_q + LenWidth'(l)) < cmd_i.k_len;
  end

  assign re_o      = issue;
  assign rhalf_o   = cmd_i.half;
  assign raddr_a_o = HalfAw'(a_row_q + c_q);
  assign raddr_b_o = HalfAw'(b_row_q + c_q);

  always_comb begin
    state_d        = state_q;
    c_d            = c_q;
    n_d            = n_q;
    m_d            = m_q;
    a_row_d        = a_row_q;
    b_row_d        = b_row_q;
    o_row_d        = o_row_q;
    k_base_d       = k_base_q;
    issued_all_d   = issued_all_q;
    results_left_d = results_left_q;
    cmd_pop_o      = 1'b0;
    release_o      = 1'b0;
    set_out_full_o = 1'b0;
    route_we_o     = 1'b0;
    unique case (state_q)
      StIdle: begin
        if (cmd_valid_i && cmd_i.is_route) begin
          route_we_o = 1'b1;
          cmd_pop_o  = 1'b1;
        end else if (can_start) begin
          state_d        = StRun;
          c_d            = '0;
          n_d            = '0;
          m_d            = '0;
          a_row_d        = cmd_i.a_entry;
          b_row_d        = cmd_i.b_entry;
          o_row_d        = '0;
          k_base_d       = '0;
          issued_all_d   = 1'b0;
          results_left_d = 32'(cmd_i.m_len) * 32'(cmd_i.n_len);
        end
      end
      StRun: begin
        if (issue) begin
          if (!last_c) begin
            c_d      = c_q + 1'b1;
            k_base_d = k_base_q + LenWidth'(Lanes);
          end else begin
            c_d      = '0;
            k_base_d = '0;
            if (!last_n) begin
              n_d     = n_q + 1'b1;
              b_row_d = b_row_q + cmd_i.k_chunks;
            end else begin
              n_d     = '0;
              b_row_d = cmd_i.b_entry;
              m_d     = m_q + 1'b1;
              a_row_d = a_row_q + cmd_i.k_chunks;
              o_row_d = o_row_q + cmd_i.o_stride;
              if (last_m) issued_all_d = 1'b1;
            end
          end
        end
        if (pcu_out_we_i) results_left_d = results_left_q - 32'd1;
        if (done) begin
          cmd_pop_o      = 1'b1;
          release_o      = 1'b1;
          set_out_full_o = 1'b1;
          state_d        = StIdle;
        end
      end
      default: state_d = StIdle;
    endcase
  end

  always_comb begin
    credits_d = credits_q;
    if (issue && !pcu_pop_i) credits_d = credits_q + 1'b1;
    if (!issue && pcu_pop_i) credits_d = credits_q - 1'b1;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q        <= StIdle;
      c_q            <= '0;
      n_q            <= '0;
      m_q            <= '0;
      a_row_q        <= '0;
      b_row_q        <= '0;
      o_row_q        <= '0;
      k_base_q       <= '0;
      issued_all_q   <= 1'b0;
      results_left_q <= '0;
      credits_q      <= '0;
      vec_valid_q    <= 1'b0;
      vec_first_q    <= 1'b0;
      vec_last_q     <= 1'b0;
      vec_mask_q     <= '0;
      vec_oaddr_q    <= '0;
    end else begin
      state_q        <= state_d;
      c_q            <= c_d;
      n_q            <= n_d;
      m_q            <= m_d;
      a_row_q        <= a_row_d;
      b_row_q        <= b_row_d;
      o_row_q        <= o_row_d;
      k_base_q       <= k_base_d;
      issued_all_q   <= issued_all_d;
      results_left_q <= results_left_d;
      credits_q      <= credits_d;
      vec_valid_q    <= issue;
      vec_first_q    <= (c_q == '0);
      vec_last_q     <= last_c;
      vec_mask_q     <= mask;
      vec_oaddr_q    <= OutAw'(o_row_q + n_q);
    end
  end

  assign vec_valid_o = vec_valid_q;
  assign vec_mask_o  = vec_mask_q;
  assign vec_first_o = vec_first_q;
  assign vec_last_o  = vec_last_q;
  assign vec_ohalf_o = cmd_i.o_half;
  assign vec_oaddr_o = vec_oaddr_q;

  assign idle_o         = (state_q == StIdle) && !cmd_valid_i;
  assign busy_o         = (state_q == StRun);
  assign stall_load_o   = (state_q == StIdle) && cmd_valid_i && !cmd_i.is_route && !full_i[cmd_i.half];
  assign stall_store_o  = (state_q == StIdle) && cmd_valid_i && !cmd_i.is_route && full_i[cmd_i.half] &&
                          out_full_i[cmd_i.o_half];
  assign stall_credit_o = (state_q == StRun) && !issued_all_q && !issue;

  // The top applies routes.
  logic unused_route;
  assign unused_route = ^cmd_i.pcu ^ ^cmd_i.pmu;

  // Credits never exceed the FIFO depth (back-pressure holds).
  CreditBound: assert property (@(posedge clk_i) disable iff (!rst_ni) credits_q <= CreditW'(FifoDepth))
    else $error("more vectors in flight than the PCU input FIFO holds");
endmodule
