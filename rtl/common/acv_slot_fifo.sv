// In-order FIFO whose every slot is readable: a unit that works on entries behind the head (commands
// in flight) or checks all of them (a dependency tracker) reads them where they are, by slot,
// instead of keeping a copy. Slots are filled in order from slot 0 and wrap at Depth; the head
// is slot head_ptr_o. Registered storage; the head is readable combinationally while not empty.
module acv_slot_fifo #(
  parameter int unsigned Width = 8,
  parameter int unsigned Depth = 4,
  localparam int unsigned Aw = (Depth > 1) ? $clog2(Depth) : 1
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic             push_i,   // never while full (asserted)
  input  logic [Width-1:0] wdata_i,
  input  logic             pop_i,    // never while empty (asserted)
  output logic [Width-1:0] head_o,   // valid while !empty_o
  output logic [Aw-1:0]    head_ptr_o,
  output logic             empty_o,
  output logic             full_o,
  output logic [Width-1:0] slots_o [Depth],  // slot i, meaningful while valid_o[i]
  output logic [Depth-1:0] valid_o
);
  localparam logic [Aw-1:0] LastPtr = Aw'(Depth - 1);

  logic [Width-1:0] data_q [Depth];
  logic [Depth-1:0] valid_q, valid_d;
  logic [Aw-1:0] wptr_q, wptr_d, rptr_q, rptr_d;
  logic push, pop;

  assign empty_o    = !valid_q[rptr_q];
  assign full_o     = valid_q[wptr_q];
  assign push       = push_i && !full_o;
  assign pop        = pop_i && !empty_o;
  assign head_o     = data_q[rptr_q];
  assign head_ptr_o = rptr_q;
  assign valid_o    = valid_q;
  assign slots_o    = data_q;

  always_comb begin
    wptr_d  = wptr_q;
    rptr_d  = rptr_q;
    valid_d = valid_q;
    if (push) begin
      wptr_d = (wptr_q == LastPtr) ? '0 : wptr_q + 1'b1;
      valid_d[wptr_q] = 1'b1;
    end
    if (pop) begin
      rptr_d = (rptr_q == LastPtr) ? '0 : rptr_q + 1'b1;
      valid_d[rptr_q] = 1'b0;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      wptr_q  <= '0;
      rptr_q  <= '0;
      valid_q <= '0;
    end else begin
      wptr_q  <= wptr_d;
      rptr_q  <= rptr_d;
      valid_q <= valid_d;
    end
  end

  // Invariants (checked when Verilated with --assert).
  NoPushWhenFull: assert property (@(posedge clk_i) disable iff (!rst_ni) !(push_i && full_o))
    else $error("push while full");
  NoPopWhenEmpty: assert property (@(posedge clk_i) disable iff (!rst_ni) !(pop_i && empty_o))
    else $error("pop while empty");

  // Storage is not reset: entries are only read while valid.
  always_ff @(posedge clk_i) begin
    if (push) data_q[wptr_q] <= wdata_i;
  end
endmodule
