// Shared types of the UltraTrail-like accelerator: the command port's encoding and the layer
// configuration (field order and meaning as in models/ultratrail/README.md).
package ultratrail_pkg;

  // The command port carries an opcode and NumArgs 32-bit arguments; argument i sits in
  // cmd_args_i[32*i +: 32], in the instruction's field order.
  localparam int unsigned NumArgs      = 8;
  localparam int unsigned ArgWidth     = 32;
  localparam int unsigned CmdArgsWidth = NumArgs * ArgWidth;
  localparam int unsigned AddrWidth    = 32;
  localparam int unsigned LenWidth     = 16;  // words of a load or store, memory addresses
  localparam int unsigned CntWidth     = 32;  // performance counters
  localparam int unsigned AccWidth     = 32;  // MAC accumulators
  localparam int unsigned OpuWidth     = 64;  // output processing: bias, residual, pool sums

  // mac (4) and opu (5) are the controller's own steps: the host never sends them.
  typedef enum logic [2:0] {
    OpLoad     = 3'd0,
    OpCfgShape = 3'd1,
    OpCfgRoute = 3'd2,
    OpStart    = 3'd3,
    OpStore    = 3'd6
  } opcode_e;

  // Memories a load or store names; FMEM 0..2 are also a layer's src / dst / res.
  typedef enum logic [2:0] {
    MemFmem0 = 3'd0,
    MemFmem1 = 3'd1,
    MemFmem2 = 3'd2,
    MemWmem  = 3'd3,
    MemBmem  = 3'd4
  } mem_e;
  localparam logic [1:0] NoResidual = 2'd3;

  // Tag of an external memory request.
  typedef enum logic {
    TagRead  = 1'b0,
    TagWrite = 1'b1
  } mem_tag_e;

  // One entry of the layer-configuration register file (cfg_shape + cfg_route).
  typedef struct packed {
    logic [15:0] in_c;
    logic [15:0] out_c;
    logic [15:0] in_len;
    logic [7:0]  kernel;
    logic [7:0]  stride;
    logic [7:0]  pad;
    logic [15:0] pool;
    logic [1:0]  src;
    logic [1:0]  dst;
    logic [1:0]  res;
    logic [15:0] w_base;
    logic [15:0] b_base;
    logic        relu;
    logic [4:0]  shift;
  } layer_cfg_t;

  // log2 of the pool divisor: the window rounded up to a power of two.
  function automatic logic [4:0] pool_shift(logic [15:0] pool);
    logic [4:0] s;
    s = 5'd0;
    for (int i = 0; i < 16; i++) begin
      if ((32'd1 << s) < 32'(pool)) s = s + 5'd1;
    end
    return s;
  endfunction

  // saturate_int8((v + 2^(t-1)) >>> t), t >= 1: round half up (golden_quantized.h).
  function automatic logic [7:0] requantize(logic signed [OpuWidth-1:0] v, logic [5:0] t);
    logic signed [OpuWidth-1:0] q;
    q = (v + (OpuWidth'(1) <<< (t - 6'd1))) >>> t;
    if (q > 64'sd127) return 8'h7f;
    if (q < -64'sd128) return 8'h80;
    return q[7:0];
  endfunction

endpackage
