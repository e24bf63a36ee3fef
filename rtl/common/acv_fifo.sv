// Synchronous FIFO with registered storage; the head is readable combinationally while not empty.
module acv_fifo #(
  parameter int unsigned Width = 8,
  parameter int unsigned Depth = 4
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic             push_i,   // never while full (asserted)
  input  logic [Width-1:0] wdata_i,
  input  logic             pop_i,    // never while empty (asserted)
  output logic [Width-1:0] rdata_o,  // head entry, valid while !empty_o
  output logic             empty_o,
  output logic             full_o
);
  localparam int unsigned Aw = (Depth > 1) ? $clog2(Depth) : 1;
  localparam int unsigned Cw = $clog2(Depth + 1);
  localparam logic [Aw-1:0] LastPtr = Aw'(Depth - 1);
  localparam logic [Cw-1:0] DepthCount = Cw'(Depth);

  logic [Width-1:0] mem_q [Depth];
  logic [Aw-1:0] wptr_q, wptr_d, rptr_q, rptr_d;
  logic [Cw-1:0] count_q, count_d;
  logic push, pop;

  assign empty_o = (count_q == '0);
  assign full_o  = (count_q == DepthCount);
  assign push    = push_i && !full_o;
  assign pop     = pop_i && !empty_o;
  assign rdata_o = mem_q[rptr_q];

  always_comb begin
    wptr_d  = wptr_q;
    rptr_d  = rptr_q;
    count_d = count_q;
    if (push) wptr_d = (wptr_q == LastPtr) ? '0 : wptr_q + 1'b1;
    if (pop) rptr_d = (rptr_q == LastPtr) ? '0 : rptr_q + 1'b1;
    unique case ({push, pop})
      2'b10:   count_d = count_q + 1'b1;
      2'b01:   count_d = count_q - 1'b1;
      default: count_d = count_q;
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      wptr_q  <= '0;
      rptr_q  <= '0;
      count_q <= '0;
    end else begin
      wptr_q  <= wptr_d;
      rptr_q  <= rptr_d;
      count_q <= count_d;
    end
  end

  // Invariants (checked when Verilated with --assert).
  NoPushWhenFull: assert property (@(posedge clk_i) disable iff (!rst_ni) !(push_i && full_o))
    else $error("push while full");
  NoPopWhenEmpty: assert property (@(posedge clk_i) disable iff (!rst_ni) !(pop_i && empty_o))
    else $error("pop while empty");

  // Storage is not reset: entries are only read after they were written.
  always_ff @(posedge clk_i) begin
    if (push) mem_q[wptr_q] <= wdata_i;
  end
endmodule
