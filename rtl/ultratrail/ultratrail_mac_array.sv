// The Size x Size int8 MAC array: a step multiplies Size input channels by a Size x Size weight
// block and adds each output channel's Size products to its int32 accumulator.
module ultratrail_mac_array import ultratrail_pkg::*; #(
  parameter int unsigned Size = 8
) (
  input  logic                     clk_i,
  input  logic                     rst_ni,
  input  logic                     step_i,   // a step's operands are on x_i and w_i
  input  logic                     first_i,  // the step starts new sums
  input  logic [Size*8-1:0]        x_i,      // input channel i at [8*i +: 8]
  input  logic [Size*Size*8-1:0]   w_i,      // weight (output j, input i) at [8*(j*Size+i) +: 8]
  output logic [Size*AccWidth-1:0] sum_o     // output channel j's sum including this step
);
  logic [AccWidth-1:0] acc_q [Size];
  logic [AccWidth-1:0] acc_d [Size];

  function automatic logic [AccWidth-1:0] product(logic [7:0] a, logic [7:0] b);
    logic signed [15:0] p;
    p = $signed(a) * $signed(b);
    return {{(AccWidth-16){p[15]}}, p};
  endfunction

  always_comb begin
    for (int j = 0; j < Size; j++) begin
      acc_d[j] = first_i ? '0 : acc_q[j];
      for (int i = 0; i < Size; i++) begin
        acc_d[j] = acc_d[j] + product(x_i[8*i +: 8], w_i[8*(j*Size+i) +: 8]);
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      for (int j = 0; j < Size; j++) acc_q[j] <= '0;
    end else if (step_i) begin
      for (int j = 0; j < Size; j++) acc_q[j] <= acc_d[j];
    end
  end

  for (genvar j = 0; j < Size; j++) begin : g_sum
    assign sum_o[j*AccWidth +: AccWidth] = acc_d[j];
  end
endmodule
