// Performance counters: NumCnt free-running counters, counter c adds inc_i[c] every cycle; cleared
// by reset. One variable per counter (an unpacked array would cost Verilator a flag per element).
module acv_counters #(
  parameter int unsigned NumCnt   = 1,
  parameter int unsigned CntWidth = 32
) (
  input  logic                clk_i,
  input  logic                rst_ni,
  input  logic [NumCnt-1:0]   inc_i,
  output logic [CntWidth-1:0] count_o [NumCnt]
);
  for (genvar c = 0; c < NumCnt; c++) begin : g_cnt
    logic [CntWidth-1:0] count_q;
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        count_q <= '0;
      end else begin
        count_q <= count_q + CntWidth'(inc_i[c]);
      end
    end
    assign count_o[c] = count_q;
  end
endmodule
