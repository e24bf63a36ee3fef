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
      // A packed shift register: Verilator updates it as one variable.
      logic [Delay*LaneWidth-1:0] stage_q, stage_d;
      if (Delay == 1) begin : g_one
        assign stage_d = data_i[i*LaneWidth +: LaneWidth];
      end else begin : g_many
        assign stage_d = {stage_q[(Delay-1)*LaneWidth-1:0], data_i[i*LaneWidth +: LaneWidth]};
      end
      always_ff @(posedge clk_i or negedge rst_ni) begin
        if (!rst_ni) begin
          stage_q <= '0;
        end else begin
          stage_q <= stage_d;
        end
      end
      assign data_o[i*LaneWidth +: LaneWidth] = stage_q[Delay*LaneWidth-1 -: LaneWidth];
    end
  end
endmodule
