// Shared types of the systolic array: the command port's encoding and the unit commands
// (field order and meaning as in models/systolic/README.md).
package systolic_pkg;

  // The command port carries an opcode and NumArgs 32-bit arguments; argument i sits in
  // cmd_args_i[32*i +: 32], in the instruction's field order.
  localparam int unsigned NumArgs  = 11;
  localparam int unsigned ArgWidth = 32;
  localparam int unsigned CmdArgsWidth = NumArgs * ArgWidth;
  // Width of entry counts (rows, k_len, m_len, bytes, elems): buffers hold at most 65535 entries.
  localparam int unsigned LenWidth = 16;
  localparam int unsigned AddrWidth = 32;
  localparam int unsigned CntWidth = 32;  // performance counters
  // Longest DMA burst (entries per memory request; models/systolic: kMaxDmaBurst) and the width
  // of its log2, the configuration input cfg_burst_log2_i.
  localparam int unsigned MaxBurst = 8;
  localparam int unsigned BurstLog2Width = 2;

  typedef enum logic [1:0] {
    OpDmaLoad  = 2'd0,
    OpCompute  = 2'd1,
    OpDmaStore = 2'd2
  } opcode_e;

  typedef enum logic {
    DataflowOs = 1'b0,
    DataflowWs = 1'b1
  } dataflow_e;

  // Tag of an external memory request: which DMA unit its response belongs to.
  typedef enum logic {
    TagLoad  = 1'b0,
    TagStore = 1'b1
  } mem_tag_e;

  typedef struct packed {
    logic                 wbuf;    // buf: 0 = IBUF, 1 = WBUF
    logic                 half;
    logic [AddrWidth-1:0] addr;
    logic [LenWidth-1:0]  rows;      // per rep
    logic [LenWidth-1:0]  bytes;
    logic [AddrWidth-1:0] stride;
    logic [LenWidth-1:0]  reps;      // reps x rows entries: entry r*rows + i at addr + r*rep_stride + i*stride
    logic [AddrWidth-1:0] rep_stride;
  } load_cmd_t;

  typedef struct packed {
    logic                a_half;
    logic                b_half;
    logic                o_half;
    logic [LenWidth-1:0] k_len;
    logic [LenWidth-1:0] m_len;
    logic                first;
    logic                last;
    logic                release_a;
    logic                release_b;
    logic [LenWidth-1:0] b_off;     // first WBUF entry read (a resident weight block's tile)
    logic [LenWidth-1:0] a_off;     // WS: first IBUF entry read (a resident input block's tile)
  } compute_cmd_t;

  typedef struct packed {
    logic                 half;
    logic [AddrWidth-1:0] addr;
    logic [LenWidth-1:0]  rows;
    logic [LenWidth-1:0]  elems;
    logic [AddrWidth-1:0] stride;
  } store_cmd_t;

  // The PE's multiplier: int8 x int8, sign-extended to the int32 accumulator.
  function automatic logic [31:0] pe_product(logic [7:0] a, logic [7:0] b);
    logic signed [15:0] p;
    p = $signed(a) * $signed(b);
    return {{16{p[15]}}, p};
  endfunction

endpackage
