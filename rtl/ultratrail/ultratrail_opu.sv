// The output processing unit: per output channel, bias, residual add (in the output's scale),
// ReLU, average pooling over a window of conv positions, requantization to int8 (round half up,
// saturate; models/common/golden_quantized.h). The int8 result is registered for the FMEM write.
module ultratrail_opu import ultratrail_pkg::*; #(
  parameter int unsigned Size = 8
) (
  input  logic                     clk_i,
  input  logic                     rst_ni,
  input  logic                     valid_i,         // sum_i holds one conv position's sums
  input  logic [Size*AccWidth-1:0] sum_i,
  input  logic [Size*32-1:0]       bias_i,
  input  logic [Size*8-1:0]        res_i,
  input  logic                     res_en_i,
  input  logic                     relu_i,
  input  logic [4:0]               shift_i,
  input  logic [4:0]               pool_shift_i,
  input  logic                     window_first_i,  // first position of a pool window
  input  logic                     window_last_i,   // last position: write the output
  input  logic [LenWidth-1:0]      addr_i,          // FMEM word of the output
  output logic                     we_o,
  output logic [LenWidth-1:0]      waddr_o,
  output logic [Size*8-1:0]        wdata_o
);
  logic [OpuWidth-1:0] psum_q [Size];
  logic [OpuWidth-1:0] psum_d [Size];
  logic [Size*8-1:0]   out_d;
  logic                we_q;
  logic [LenWidth-1:0] waddr_q;
  logic [Size*8-1:0]   wdata_q;

  always_comb begin
    for (int j = 0; j < Size; j++) begin
      logic signed [OpuWidth-1:0] y;
      y = OpuWidth'($signed(sum_i[j*AccWidth +: AccWidth])) + OpuWidth'($signed(bias_i[32*j +: 32]));
      if (res_en_i) y = y + (OpuWidth'($signed(res_i[8*j +: 8])) <<< shift_i);
      if (relu_i && y < 0) y = '0;
      psum_d[j] = (window_first_i ? '0 : psum_q[j]) + y;
      out_d[8*j +: 8] = requantize(psum_d[j], 6'(shift_i) + 6'(pool_shift_i));
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      for (int j = 0; j < Size; j++) psum_q[j] <= '0;
      we_q    <= 1'b0;
      waddr_q <= '0;
      wdata_q <= '0;
    end else begin
      if (valid_i) begin
        for (int j = 0; j < Size; j++) psum_q[j] <= psum_d[j];
      end
      we_q    <= valid_i && window_last_i;
      waddr_q <= addr_i;
      wdata_q <= out_d;
    end
  end

  assign we_o    = we_q;
  assign waddr_o = waddr_q;
  assign wdata_o = wdata_q;
endmodule
