// Pattern compute unit: an input FIFO of operand vector pairs (back-pressure to the address
// generator through its credit), Stages pipeline stages of Lanes functional units (stage 0
// multiplies int8 x int8 into int32, the others pass their operand on, as the configuration of
// this dot-product pattern asks), a cross-lane reduction tree of log2(Lanes) registered levels,
// and the accumulator, which writes its sum into the output buffer on the last K chunk.
module plasticine_pcu #(
  parameter int unsigned Lanes     = 16,
  parameter int unsigned Stages    = 6,
  parameter int unsigned OutDepth  = 512,   // int32 entries per half
  parameter int unsigned ReadWords = 16,    // burst bytes / 4: the store's read width
  parameter int unsigned FifoDepth = 4,
  localparam int unsigned OutAw    = $clog2(OutDepth),
  localparam int unsigned VecWidth = Lanes * 8,
  localparam int unsigned TreeLevels = $clog2(Lanes)
) (
  input  logic                      clk_i,
  input  logic                      rst_ni,
  // Operand stream (from the routed PMU), pushed only while the producer holds a credit.
  input  logic                      in_valid_i,
  input  logic [VecWidth-1:0]       in_a_i,
  input  logic [VecWidth-1:0]       in_b_i,
  input  logic [Lanes-1:0]          in_mask_i,   // lanes inside K
  input  logic                      in_first_i,  // first K chunk of a dot product
  input  logic                      in_last_i,   // last K chunk: write the result
  input  logic                      in_ohalf_i,
  input  logic [OutAw-1:0]          in_oaddr_i,
  output logic                      pop_o,       // a credit returns
  output logic                      busy_o,      // stage 0 holds a vector
  output logic                      out_we_o,    // a result is written this cycle
  // Store read port (combinational): ReadWords consecutive int32 from raddr_i.
  input  logic                      rhalf_i,
  input  logic [OutAw-1:0]          raddr_i,
  output logic [ReadWords*32-1:0]   rdata_o
);
  typedef struct packed {
    logic [Lanes-1:0]   mask;
    logic               first;
    logic               last;
    logic               ohalf;
    logic [OutAw-1:0]   oaddr;
  } tag_t;
  localparam int unsigned EntryWidth = 2 * VecWidth + $bits(tag_t);

  // ---------------------------------------------------------------------------------------------
  // Input FIFO
  // ---------------------------------------------------------------------------------------------
  logic [EntryWidth-1:0] fifo_head;
  logic fifo_empty, unused_fifo_full;
  tag_t in_tag, head_tag;
  logic [VecWidth-1:0] head_a, head_b;

  assign in_tag = '{mask: in_mask_i, first: in_first_i, last: in_last_i, ohalf: in_ohalf_i, oaddr: in_oaddr_i};
  assign pop_o = !fifo_empty;

  acv_fifo #(
    .Width(EntryWidth),
    .Depth(FifoDepth)
  ) u_in_fifo (
    .clk_i  (clk_i),
    .rst_ni (rst_ni),
    .push_i (in_valid_i),
    .wdata_i({in_a_i, in_b_i, in_tag}),
    .pop_i  (pop_o),
    .rdata_o(fifo_head),
    .empty_o(fifo_empty),
    .full_o (unused_fifo_full)
  );
  assign {head_a, head_b, head_tag} = fifo_head;

  // ---------------------------------------------------------------------------------------------
  // Stages: lanes x stages FUs; valid and tag travel beside the data.
  // ---------------------------------------------------------------------------------------------
  logic [31:0] stage_q [Stages][Lanes];
  logic [Stages-1:0] stage_valid_q;
  tag_t stage_tag_q [Stages];

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      stage_valid_q <= '0;
    end else begin
      stage_valid_q <= {stage_valid_q[Stages-2:0], !fifo_empty};
    end
  end

  always_ff @(posedge clk_i) begin
    for (int l = 0; l < Lanes; l++) begin
      logic signed [15:0] p;
      p = $signed(head_a[l*8 +: 8]) * $signed(head_b[l*8 +: 8]);
      stage_q[0][l] <= head_tag.mask[l] ? {{16{p[15]}}, p} : 32'd0;
    end
    stage_tag_q[0] <= head_tag;
    for (int s = 1; s < Stages; s++) begin
      stage_q[s] <= stage_q[s-1];
      stage_tag_q[s] <= stage_tag_q[s-1];
    end
  end

  // ---------------------------------------------------------------------------------------------
  // Reduction tree: level t adds pairs of level t-1 (level 0 = the last stage).
  // ---------------------------------------------------------------------------------------------
  logic [31:0] tree_q [TreeLevels][Lanes/2];
  logic [TreeLevels-1:0] tree_valid_q;
  tag_t tree_tag_q [TreeLevels];

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      tree_valid_q <= '0;
    end else begin
      tree_valid_q <= {tree_valid_q[TreeLevels-2:0], stage_valid_q[Stages-1]};
    end
  end

  always_ff @(posedge clk_i) begin
    for (int i = 0; i < Lanes / 2; i++) begin
      tree_q[0][i] <= stage_q[Stages-1][2*i] + stage_q[Stages-1][2*i+1];
    end
    tree_tag_q[0] <= stage_tag_q[Stages-1];
    for (int t = 1; t < TreeLevels; t++) begin
      for (int i = 0; i < (Lanes >> (t + 1)); i++) begin
        tree_q[t][i] <= tree_q[t-1][2*i] + tree_q[t-1][2*i+1];
      end
      tree_tag_q[t] <= tree_tag_q[t-1];
    end
  end

  // ---------------------------------------------------------------------------------------------
  // Accumulator and output buffer
  // ---------------------------------------------------------------------------------------------
  logic [31:0] acc_q, acc_d, sum;
  tag_t tree_tag;
  logic tree_valid;
  assign tree_tag   = tree_tag_q[TreeLevels-1];
  assign tree_valid = tree_valid_q[TreeLevels-1];
  assign sum        = tree_q[TreeLevels-1][0];
  assign acc_d      = tree_tag.first ? sum : acc_q + sum;
  assign out_we_o   = tree_valid && tree_tag.last;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      acc_q <= '0;
    end else if (tree_valid) begin
      acc_q <= acc_d;
    end
  end

  logic [31:0] out_q [2 * OutDepth];
  always_ff @(posedge clk_i) begin
    if (out_we_o) out_q[{tree_tag.ohalf, tree_tag.oaddr}] <= acc_d;
  end

  always_comb begin
    for (int w = 0; w < ReadWords; w++) begin
      rdata_o[w*32 +: 32] = out_q[{rhalf_i, raddr_i + OutAw'(w)}];
    end
  end

  assign busy_o = stage_valid_q[0];

  // The lane mask is applied in stage 0.
  logic unused_mask;
  assign unused_mask = ^tree_tag.mask;
endmodule
