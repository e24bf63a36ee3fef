// Shared types of the Gemmini-like accelerator: the command port's encoding (opcodes and field
// order as in models/gemmini/README.md), the unit commands after decoding, and the dependency
// tracker's view of a command (the scratchpad / accumulator row ranges it reads and writes).
package gemmini_pkg;

  // The command port carries an opcode and NumArgs 32-bit arguments; argument i sits in
  // cmd_args_i[32*i +: 32], in the instruction's field order.
  localparam int unsigned NumArgs      = 6;
  localparam int unsigned ArgWidth     = 32;
  localparam int unsigned CmdArgsWidth = NumArgs * ArgWidth;
  localparam int unsigned AddrWidth    = 32;  // external memory byte addresses
  localparam int unsigned LocalAw      = 20;  // scratchpad / accumulator row addresses
  localparam int unsigned LenWidth     = 8;   // rows / cols of one command (<= DIM <= 64)
  localparam int unsigned SeqWidth     = 16;  // program-order number of a queued command
  localparam int unsigned CntWidth     = 64;  // performance counters

  typedef enum logic [3:0] {
    OpConfigEx          = 4'd0,
    OpConfigLd          = 4'd1,
    OpConfigSt          = 4'd2,
    OpMvin              = 4'd3,
    OpMvout             = 4'd4,
    OpPreload           = 4'd5,
    OpComputePreloaded  = 4'd6,
    OpComputeAccumulated = 4'd7,
    OpFlush             = 4'd8
  } opcode_e;

  // Tag of an external memory request: which DMA unit its response belongs to.
  typedef enum logic {
    TagLoad  = 1'b0,
    TagStore = 1'b1
  } mem_tag_e;

  // A row range [addr, addr + len); len = 0 is empty.
  typedef struct packed {
    logic [LocalAw-1:0]  addr;
    logic [LenWidth-1:0] len;
  } range_t;

  // The rows a command touches.
  typedef struct packed {
    range_t sp_rd0;   // scratchpad reads (A)
    range_t sp_rd1;   // scratchpad reads (B)
    range_t sp_wr;    // scratchpad writes (mvin)
    range_t acc_rd;   // accumulator reads (mvout)
    range_t acc_wr;   // accumulator writes (mvin to_acc, compute results)
  } ranges_t;

  // What the dependency tracker knows of a command.
  typedef struct packed {
    logic [SeqWidth-1:0] seq;
    ranges_t r;
  } dep_t;

  // mvin, with the stride of the config_ld before it.
  typedef struct packed {
    logic [AddrWidth-1:0] dram_addr;
    logic [LocalAw-1:0]   local_addr;
    logic                 to_acc;
    logic [LenWidth-1:0]  rows;
    logic [LenWidth-1:0]  cols;
    logic [AddrWidth-1:0] stride;
  } ld_cmd_t;

  // mvout, with the stride of config_st and the activation / shift of config_ex before it.
  typedef struct packed {
    logic [AddrWidth-1:0] dram_addr;
    logic [LocalAw-1:0]   local_addr;
    logic                 from_acc;
    logic                 full;
    logic [LenWidth-1:0]  rows;
    logic [LenWidth-1:0]  cols;
    logic [AddrWidth-1:0] stride;
    logic                 relu;
    logic [4:0]           shift;
  } st_cmd_t;

  // A compute merged with the preload before it and the dataflow of config_ex.
  typedef struct packed {
    logic                ws;           // dataflow: 1 = WS, 0 = OS
    logic                preloaded;    // compute_preloaded (1) or compute_accumulated (0)
    logic [LocalAw-1:0]  a_addr;
    logic [LocalAw-1:0]  b_addr;       // OS: B rows of this compute
    logic [LenWidth-1:0] rows;
    logic [LocalAw-1:0]  w_addr;       // WS: preload's B (weights)
    logic [LenWidth-1:0] w_rows;
    logic [LocalAw-1:0]  c_addr;
    logic [LenWidth-1:0] c_rows;
    logic                c_accumulate;
  } ex_cmd_t;

  function automatic logic overlaps(range_t a, range_t b);
    return (a.len != '0) && (b.len != '0) &&
           ({1'b0, a.addr} < {1'b0, b.addr} + (LocalAw + 1)'(b.len)) &&
           ({1'b0, b.addr} < {1'b0, a.addr} + (LocalAw + 1)'(a.len));
  endfunction

  // Whether command h must wait for command o (RAW, WAR or WAW on scratchpad or accumulator rows).
  function automatic logic conflicts(ranges_t h, ranges_t o);
    logic raw, war, waw;
    raw = overlaps(h.sp_rd0, o.sp_wr) || overlaps(h.sp_rd1, o.sp_wr) || overlaps(h.acc_rd, o.acc_wr) ||
          overlaps(h.acc_wr, o.acc_wr);  // accumulating writes read too
    war = overlaps(h.sp_wr, o.sp_rd0) || overlaps(h.sp_wr, o.sp_rd1) || overlaps(h.acc_wr, o.acc_rd);
    waw = overlaps(h.sp_wr, o.sp_wr);
    return raw || war || waw;
  endfunction

  // mvout from the accumulator with full = 0: optional ReLU, right shift rounding half up, int8
  // saturation (models/gemmini/README.md).
  function automatic logic [7:0] requantise(logic [31:0] value, logic relu, logic [4:0] shift);
    logic signed [32:0] v;
    v = 33'($signed(value));
    if (relu && v < 0) v = '0;
    if (shift != '0) v = (v + (33'sd1 <<< (shift - 5'd1))) >>> shift;
    if (v > 33'sd127) return 8'h7f;
    if (v < -33'sd128) return 8'h80;
    return v[7:0];
  endfunction

  // Program order of sequence numbers that wrap: a was issued before b.
  function automatic logic older(logic [SeqWidth-1:0] a, logic [SeqWidth-1:0] b);
    logic [SeqWidth-1:0] diff;
    diff = a - b;
    return diff[SeqWidth-1];
  endfunction

endpackage
