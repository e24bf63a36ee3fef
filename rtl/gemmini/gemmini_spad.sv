// Banked scratchpad: Banks single-write / single-read SRAMs of DIM-int8 rows (row r in bank
// r / (Rows / Banks)). Writes come from the load unit; the execute unit reads with priority,
// the store unit's read waits while the execute unit reads the same bank. Read data appears the
// cycle after the read and is valid for that cycle. Each bank has a replica (same writes) that
// serves the execute unit's weight reads only, so a WS weight preload never waits for the A
// stream or the store (a 2-read-port bank built from two 1r1w SRAMs).
// Writes come in Lanes lanes (one per block of a multi-block mvin response, all in one cycle):
// Gemmini writes a 64-byte response's rows one bus beat per cycle as the beats arrive; acv's DRAM
// model presents a response only after its transfer cycles, so its rows are written together then
// (a bank with a write port per lane, acv_sram_1r1w's WritePorts, stands for those beat writes).
module gemmini_spad #(
  parameter int unsigned Dim   = 4,
  parameter int unsigned Lanes = 4,
  parameter int unsigned Rows  = 1024,
  parameter int unsigned Banks = 4,
  localparam int unsigned Aw   = $clog2(Rows),
  localparam int unsigned BankRows = Rows / Banks,
  localparam int unsigned Bw   = (Banks > 1) ? $clog2(Banks) : 1,
  localparam int unsigned Rw   = (BankRows > 1) ? $clog2(BankRows) : 1
) (
  input  logic               clk_i,
  input  logic               rst_ni,
  input  logic [Lanes-1:0]   we_i,
  input  logic [Aw-1:0]      waddr_i [Lanes],
  input  logic [Dim*8-1:0]   wdata_i [Lanes],
  input  logic               ex_re_i,
  input  logic [Aw-1:0]      ex_raddr_i,
  output logic [Dim*8-1:0]   ex_rdata_o,
  input  logic               w_re_i,        // weight reads (the replicas)
  input  logic [Aw-1:0]      w_raddr_i,
  output logic [Dim*8-1:0]   w_rdata_o,
  input  logic               st_re_i,
  input  logic [Aw-1:0]      st_raddr_i,
  output logic               st_gnt_o,      // the store unit's read happens this cycle
  output logic [Dim*8-1:0]   st_rdata_o
);
  logic [Bw-1:0] ex_bank, st_bank, ex_bank_q, st_bank_q, wr_bank, wr_bank_q;
  logic [Bw-1:0] w_bank [Lanes];
  logic [Dim*8-1:0] rdata [Banks];
  logic [Dim*8-1:0] wrdata [Banks];
  logic [Lanes-1:0][Dim*8-1:0] wdata;

  for (genvar l = 0; l < Lanes; l++) begin : g_wdata
    assign wdata[l] = wdata_i[l];
  end

  assign ex_bank  = Bw'(ex_raddr_i / Aw'(BankRows));
  assign st_bank  = Bw'(st_raddr_i / Aw'(BankRows));
  for (genvar l = 0; l < Lanes; l++) begin : g_wbank
    assign w_bank[l] = Bw'(waddr_i[l] / Aw'(BankRows));
  end
  assign wr_bank  = Bw'(w_raddr_i / Aw'(BankRows));
  assign st_gnt_o = st_re_i && !(ex_re_i && ex_bank == st_bank);

  for (genvar b = 0; b < Banks; b++) begin : g_bank
    logic re;
    logic [Rw-1:0] raddr;
    assign re    = (ex_re_i && ex_bank == Bw'(b)) || (st_gnt_o && st_bank == Bw'(b));
    assign raddr = (ex_re_i && ex_bank == Bw'(b)) ? Rw'(ex_raddr_i % Aw'(BankRows)) : Rw'(st_raddr_i % Aw'(BankRows));
    logic [Lanes-1:0] we;
    logic [Lanes-1:0][Rw-1:0] waddr;
    for (genvar l = 0; l < Lanes; l++) begin : g_lane
      assign we[l]    = we_i[l] && w_bank[l] == Bw'(b);
      assign waddr[l] = Rw'(waddr_i[l] % Aw'(BankRows));
    end
    acv_sram_1r1w #(.Width(Dim * 8), .Depth(BankRows), .WritePorts(Lanes)) u_sram (
      .clk_i  (clk_i),
      .we_i   (we),
      .waddr_i(waddr),
      .wdata_i(wdata),
      .re_i   (re),
      .raddr_i(raddr),
      .rdata_o(rdata[b])
    );
    acv_sram_1r1w #(.Width(Dim * 8), .Depth(BankRows), .WritePorts(Lanes)) u_replica (
      .clk_i  (clk_i),
      .we_i   (we),
      .waddr_i(waddr),
      .wdata_i(wdata),
      .re_i   (w_re_i && wr_bank == Bw'(b)),
      .raddr_i(Rw'(w_raddr_i % Aw'(BankRows))),
      .rdata_o(wrdata[b])
    );
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      ex_bank_q <= '0;
      st_bank_q <= '0;
      wr_bank_q <= '0;
    end else begin
      if (ex_re_i) ex_bank_q <= ex_bank;
      if (w_re_i) wr_bank_q <= wr_bank;
      if (st_gnt_o) st_bank_q <= st_bank;
    end
  end

  assign ex_rdata_o = rdata[ex_bank_q];
  assign st_rdata_o = rdata[st_bank_q];
  assign w_rdata_o  = wrdata[wr_bank_q];
endmodule

