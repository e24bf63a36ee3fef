// Banked accumulator: Banks memories of DIM-int32 rows (row r in bank r / (Rows / Banks)), each
// with a read-modify-write port (overwrite or add, one row per cycle) and a read port. The
// execute unit writes with priority; the load unit's write waits while the execute unit writes
// the same bank. The store unit reads; data appears the cycle after the read.
module gemmini_acc #(
  parameter int unsigned Dim   = 4,
  parameter int unsigned Rows  = 256,
  parameter int unsigned Banks = 2,
  localparam int unsigned Aw   = $clog2(Rows),
  localparam int unsigned BankRows = Rows / Banks,
  localparam int unsigned Bw   = (Banks > 1) ? $clog2(Banks) : 1,
  localparam int unsigned Rw   = (BankRows > 1) ? $clog2(BankRows) : 1
) (
  input  logic               clk_i,
  input  logic               rst_ni,
  input  logic               ex_we_i,
  input  logic               ex_accumulate_i,
  input  logic [Aw-1:0]      ex_waddr_i,
  input  logic [Dim*32-1:0]  ex_wdata_i,
  input  logic               ld_we_i,
  input  logic [Aw-1:0]      ld_waddr_i,
  input  logic [Dim*32-1:0]  ld_wdata_i,
  output logic               ld_gnt_o,      // the load unit's write happens this cycle
  input  logic               st_re_i,
  input  logic [Aw-1:0]      st_raddr_i,
  output logic [Dim*32-1:0]  st_rdata_o
);
  logic [Bw-1:0] ex_bank, ld_bank, st_bank, st_bank_q;
  logic [Dim*32-1:0] rdata [Banks];

  assign ex_bank  = Bw'(ex_waddr_i / Aw'(BankRows));
  assign ld_bank  = Bw'(ld_waddr_i / Aw'(BankRows));
  assign st_bank  = Bw'(st_raddr_i / Aw'(BankRows));
  assign ld_gnt_o = ld_we_i && !(ex_we_i && ex_bank == ld_bank);

  for (genvar b = 0; b < Banks; b++) begin : g_bank
    logic [Dim*32-1:0] mem_q [BankRows];
    logic [Dim*32-1:0] rdata_q;
    logic ex_sel, we, add;
    logic [Rw-1:0] waddr;
    logic [Dim*32-1:0] wdata, old, sum;

    assign ex_sel = ex_we_i && ex_bank == Bw'(b);
    assign we     = ex_sel || (ld_gnt_o && ld_bank == Bw'(b));
    assign add    = ex_sel && ex_accumulate_i;
    assign waddr  = ex_sel ? Rw'(ex_waddr_i % Aw'(BankRows)) : Rw'(ld_waddr_i % Aw'(BankRows));
    assign wdata  = ex_sel ? ex_wdata_i : ld_wdata_i;
    assign old    = mem_q[waddr];

    always_comb begin
      sum = '0;
      if (add) begin  // only added when accumulating (saves simulation time otherwise)
        for (int e = 0; e < Dim; e++) sum[e*32 +: 32] = old[e*32 +: 32] + wdata[e*32 +: 32];
      end
    end

    // Storage is not reset: the mapper writes rows before it accumulates into or reads them.
    always_ff @(posedge clk_i) begin
      if (we) mem_q[waddr] <= add ? sum : wdata;
      if (st_re_i && st_bank == Bw'(b)) rdata_q <= mem_q[Rw'(st_raddr_i % Aw'(BankRows))];
    end
    assign rdata[b] = rdata_q;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) st_bank_q <= '0;
    else if (st_re_i) st_bank_q <= st_bank;
  end

  assign st_rdata_o = rdata[st_bank_q];
endmodule
