// Shared types of the plasticine CGRA: the command port's encoding and the unit commands
// (field order and meaning as in models/plasticine/README.md).
package plasticine_pkg;

  // The command port carries an opcode and NumArgs 32-bit arguments; argument i sits in
  // cmd_args_i[32*i +: 32], in the instruction's field order.
  localparam int unsigned NumArgs      = 9;
  localparam int unsigned ArgWidth     = 32;
  localparam int unsigned CmdArgsWidth = NumArgs * ArgWidth;
  localparam int unsigned LenWidth     = 16;  // entries, rows, lengths: PMU halves hold < 2^16 entries
  localparam int unsigned AddrWidth    = 32;
  localparam int unsigned CntWidth     = 32;  // performance counters
  localparam int unsigned UnitWidth    = 6;   // PCU / PMU numbers: at most 32 of each (8x8 grid)

  typedef enum logic [1:0] {
    OpRoute   = 2'd0,
    OpLoad    = 2'd1,
    OpCompute = 2'd2,
    OpStore   = 2'd3
  } opcode_e;

  typedef struct packed {
    logic [UnitWidth-1:0] pmu;
    logic                 bcast;
    logic                 half;
    logic [LenWidth-1:0]  entry;
    logic [AddrWidth-1:0] addr;
    logic [LenWidth-1:0]  rows;
    logic [LenWidth-1:0]  row_bytes;
    logic [AddrWidth-1:0] stride;
    logic                 fill;
  } load_cmd_t;

  // route and compute share the compute queue: a route changes the interconnect only between
  // computes.
  typedef struct packed {
    logic                 is_route;
    logic [UnitWidth-1:0] pcu;
    logic [UnitWidth-1:0] pmu;
    logic                 half;
    logic                 o_half;
    logic [LenWidth-1:0]  a_entry;
    logic [LenWidth-1:0]  b_entry;
    logic [LenWidth-1:0]  m_len;
    logic [LenWidth-1:0]  n_len;
    logic [LenWidth-1:0]  k_chunks;
    logic [LenWidth-1:0]  k_len;
    logic [LenWidth-1:0]  o_stride;
  } compute_cmd_t;

  typedef struct packed {
    logic [UnitWidth-1:0] pcu;
    logic                 half;
    logic [AddrWidth-1:0] addr;
    logic [LenWidth-1:0]  rows;
    logic [LenWidth-1:0]  cols;
    logic [AddrWidth-1:0] stride;
    logic [LenWidth-1:0]  o_stride;
    logic                 release_half;
  } store_cmd_t;

endpackage
