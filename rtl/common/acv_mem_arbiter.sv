// The external memory port shared by an accelerator's two DMA units: a read port (the load unit)
// and a write port (the store unit), fixed priority with the write port first (a store frees
// on-chip memory the loads may be waiting for). The request carries the winner's port as its tag
// (0 read, 1 write), which the memory echoes on the in-order response; the response goes to the
// unit the tag names and is accepted when that unit is ready.
module acv_mem_arbiter #(
  parameter int unsigned AddrWidth = 32,
  parameter int unsigned LenWidth  = 16,
  parameter int unsigned DataWidth = 128
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,

  // Read port (tag 0): the load unit.
  input  logic                 rd_req_valid_i,
  output logic                 rd_req_ready_o,
  input  logic [AddrWidth-1:0] rd_req_addr_i,
  input  logic [LenWidth-1:0]  rd_req_bytes_i,
  output logic                 rd_rsp_valid_o,
  input  logic                 rd_rsp_ready_i,

  // Write port (tag 1): the store unit.
  input  logic                 wr_req_valid_i,
  output logic                 wr_req_ready_o,
  input  logic [AddrWidth-1:0] wr_req_addr_i,
  input  logic [LenWidth-1:0]  wr_req_bytes_i,
  input  logic [DataWidth-1:0] wr_req_wdata_i,
  output logic                 wr_rsp_valid_o,
  input  logic                 wr_rsp_ready_i,

  // The external memory (requests valid/ready, in-order responses valid/ready).
  output logic                 mem_req_valid_o,
  input  logic                 mem_req_ready_i,
  output logic                 mem_req_write_o,
  output logic [AddrWidth-1:0] mem_req_addr_o,
  output logic [LenWidth-1:0]  mem_req_bytes_o,
  output logic                 mem_req_tag_o,
  output logic [DataWidth-1:0] mem_req_wdata_o,
  input  logic                 mem_rsp_valid_i,
  output logic                 mem_rsp_ready_o,
  input  logic                 mem_rsp_tag_i,

  output logic                 conflict_o  // a read request held back by a write
);
  localparam logic TagRead  = 1'b0;
  localparam logic TagWrite = 1'b1;

  assign wr_req_ready_o  = mem_req_ready_i;
  assign rd_req_ready_o  = mem_req_ready_i && !wr_req_valid_i;
  assign mem_req_valid_o = wr_req_valid_i || rd_req_valid_i;
  assign mem_req_write_o = wr_req_valid_i;
  assign mem_req_tag_o   = wr_req_valid_i ? TagWrite : TagRead;
  assign mem_req_addr_o  = wr_req_valid_i ? wr_req_addr_i : rd_req_addr_i;
  assign mem_req_bytes_o = wr_req_valid_i ? wr_req_bytes_i : rd_req_bytes_i;
  assign mem_req_wdata_o = wr_req_wdata_i;

  assign rd_rsp_valid_o  = mem_rsp_valid_i && (mem_rsp_tag_i == TagRead);
  assign wr_rsp_valid_o  = mem_rsp_valid_i && (mem_rsp_tag_i == TagWrite);
  assign mem_rsp_ready_o = (mem_rsp_tag_i == TagWrite) ? wr_rsp_ready_i : rd_rsp_ready_i;

  assign conflict_o = rd_req_valid_i && wr_req_valid_i;

  // Invariants (checked when Verilated with --assert). A unit keeps its request, unchanged,
  // until the port accepts it; the memory does the same with a response; one grant per cycle.
  logic rd_gnt, wr_gnt;
  assign rd_gnt = rd_req_valid_i && rd_req_ready_o;
  assign wr_gnt = wr_req_valid_i && wr_req_ready_o;

  OneGrant: assert property (@(posedge clk_i) disable iff (!rst_ni) !(rd_gnt && wr_gnt))
    else $error("both DMA ports granted in one cycle");
  ReadReqStable: assert property (@(posedge clk_i) disable iff (!rst_ni)
      rd_req_valid_i && !rd_req_ready_o |=>
      rd_req_valid_i && $stable(rd_req_addr_i) && $stable(rd_req_bytes_i))
    else $error("read request withdrawn or changed before it was accepted");
  WriteReqStable: assert property (@(posedge clk_i) disable iff (!rst_ni)
      wr_req_valid_i && !wr_req_ready_o |=>
      wr_req_valid_i && $stable(wr_req_addr_i) && $stable(wr_req_bytes_i) && $stable(wr_req_wdata_i))
    else $error("write request withdrawn or changed before it was accepted");
  ResponseStable: assert property (@(posedge clk_i) disable iff (!rst_ni)
      mem_rsp_valid_i && !mem_rsp_ready_o |=> mem_rsp_valid_i && $stable(mem_rsp_tag_i))
    else $error("memory response withdrawn or changed before it was accepted");
endmodule
