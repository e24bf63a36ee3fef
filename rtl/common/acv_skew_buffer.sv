// Delays lane i of a bus by i cycles (Reverse = 1: by Lanes-1-i cycles). Feeds a systolic array
// its diagonal wavefront, or (reversed) realigns the array's skewed outputs.
module acv_skew_buffer #(
  parameter int unsigned Lanes     = 4,
  parameter int unsigned LaneWidth = 8,
  parameter bit          Reverse   = 1'b0
) (
  input  logic                       clk_i,
  input  logic                       rst_ni,
  input  logic [Lanes*LaneWidth-1:0] data_i,
  output logic [Lanes*LaneWidth-1:0] data_o
);
  for (genvar i = 0; i < Lanes; i++) begin : g_lane
    localparam int unsigned Delay = Reverse ? Lanes - 1 - i : i;
    if (Delay == 0) begin : g_pass
      assign data_o[i*LaneWidth +: LaneWidth] = data_i[i*LaneWidth +: LaneWidth];
    end else begin : g_delay
      logic [LaneWidth-1:0] stage_q [Delay];
      always_ff @(posedge clk_i or negedge rst_ni) begin
        if (!rst_ni) begin
          for (int s = 0; s < Delay; s++) stage_q[s] <= '0;
        end else begin
          stage_q[0] <= data_i[i*LaneWidth +: LaneWidth];
          for (int s = 1; s < Delay; s++) stage_q[s] <= stage_q[s-1];
        end
      end
      assign data_o[i*LaneWidth +: LaneWidth] = stage_q[Delay-1];
    end
  end
endmodule
