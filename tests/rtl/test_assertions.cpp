// The SystemVerilog assertions of rtl/common/: each checked block, Verilated alone with --assert,
// is driven into a violation; the run fails with a BackendError naming the module and the cycle.
#include <catch2/catch.hpp>
#include <string>

#include "Vacv_double_buffer.h"
#include "Vacv_fifo.h"
#include "Vacv_mem_arbiter.h"
#include "Vacv_slot_fifo.h"
#include "models/common/error.h"
#include "rtl/common/verilated_driver.h"

namespace acv {
namespace {

// A block clocked by hand: the test sets its inputs, then ticks.
template <class Model>
class BlockUnderTest : public VerilatedDriver<BlockUnderTest<Model>, Model> {
  using Base = VerilatedDriver<BlockUnderTest<Model>, Model>;
  friend Base;

 public:
  explicit BlockUnderTest(const std::string& name) : Base(name, "") {}
  using Base::model;
  using Base::reset;
  using Base::tick;

 private:
  void drive_inputs() {}
  void sample_outputs() {}
  void after_edge() {}
};

TEST_CASE("the FIFO asserts no push while full and no pop while empty", "[rtl][assertions]") {
  SECTION("pushes and pops within bounds pass") {
    BlockUnderTest<Vacv_fifo> fifo("fifo");
    fifo.reset();
    fifo.model().push_i = 1;
    for (int i = 0; i < 6; ++i) fifo.tick();
    fifo.model().push_i = 0;
    fifo.model().pop_i = 1;
    for (int i = 0; i < 6; ++i) fifo.tick();
    CHECK(fifo.model().empty_o);
  }
  SECTION("a push while full fails at the cycle it happens") {
    BlockUnderTest<Vacv_fifo> fifo("fifo");
    fifo.reset();
    fifo.model().push_i = 1;
    for (int i = 0; i < 6; ++i) fifo.tick();
    REQUIRE(fifo.model().full_o);
    CHECK_THROWS_WITH(fifo.tick(), Catch::Contains("module acv_fifo") && Catch::Contains("at cycle 6"));
  }
  SECTION("a pop while empty fails") {
    BlockUnderTest<Vacv_fifo> fifo("fifo");
    fifo.reset();
    fifo.model().pop_i = 1;
    CHECK_THROWS_WITH(fifo.tick(), Catch::Contains("module acv_fifo") && Catch::Contains("at cycle 0"));
    BlockUnderTest<Vacv_fifo> again("fifo");
    again.reset();
    again.model().pop_i = 1;
    CHECK_THROWS_AS(again.tick(), BackendError);  // acv run maps it to exit code 3
  }
}

TEST_CASE("the slot FIFO shows every slot in place, wraps in order and asserts no push while full",
          "[rtl][assertions]") {
  BlockUnderTest<Vacv_slot_fifo> fifo("slot fifo");
  fifo.reset();
  auto& m = fifo.model();
  m.push_i = 1;
  for (int v : {10, 11, 12}) {
    m.wdata_i = static_cast<uint8_t>(v);
    fifo.tick();
  }
  m.push_i = 0;
  REQUIRE(m.full_o);
  CHECK(m.valid_o == 0x7);
  CHECK((m.slots_o[0] == 10 && m.slots_o[1] == 11 && m.slots_o[2] == 12));
  m.pop_i = 1;  // the head leaves; the next push takes its slot
  fifo.tick();
  m.pop_i = 0;
  CHECK(m.head_ptr_o == 1);
  CHECK(m.head_o == 11);
  CHECK(m.valid_o == 0x6);
  m.push_i = 1;
  m.wdata_i = 13;
  fifo.tick();
  CHECK(m.slots_o[0] == 13);
  CHECK(m.valid_o == 0x7);
  CHECK_THROWS_WITH(fifo.tick(), Catch::Contains("module acv_slot_fifo"));
}

TEST_CASE("the double buffer asserts one reader per half, its SRAMs an address in range",
          "[rtl][assertions]") {
  SECTION("reads of different halves pass") {
    BlockUnderTest<Vacv_double_buffer> buf("double buffer");
    buf.reset();
    buf.model().re_a_i = 1;
    buf.model().rhalf_a_i = 0;
    buf.model().re_b_i = 1;
    buf.model().rhalf_b_i = 1;
    buf.tick();
    buf.tick();
  }
  SECTION("both ports reading one half fail") {
    BlockUnderTest<Vacv_double_buffer> buf("double buffer");
    buf.reset();
    buf.model().re_a_i = 1;
    buf.model().re_b_i = 1;
    CHECK_THROWS_WITH(buf.tick(), Catch::Contains("module acv_double_buffer"));
  }
  SECTION("a write past the last entry fails in the SRAM") {
    BlockUnderTest<Vacv_double_buffer> buf("double buffer");
    buf.reset();
    buf.model().we_i = 1;
    buf.model().waddr_i = 5;
    buf.tick();
    buf.model().waddr_i = 7;
    CHECK_THROWS_WITH(buf.tick(), Catch::Contains("module acv_sram_1r1w") && Catch::Contains("at cycle 1"));
  }
}

TEST_CASE("the memory arbiter asserts stable requests and responses until accepted", "[rtl][assertions]") {
  SECTION("a read held back by a write, unchanged, passes") {
    BlockUnderTest<Vacv_mem_arbiter> arb("arbiter");
    arb.reset();
    auto& m = arb.model();
    m.mem_req_ready_i = 1;
    m.rd_req_valid_i = 1;
    m.rd_req_addr_i = 64;
    m.wr_req_valid_i = 1;
    arb.tick();
    CHECK(m.conflict_o);
    m.wr_req_valid_i = 0;
    arb.tick();
    CHECK(m.rd_req_ready_o);
  }
  SECTION("a read request changed before it was accepted fails") {
    BlockUnderTest<Vacv_mem_arbiter> arb("arbiter");
    arb.reset();
    auto& m = arb.model();
    m.mem_req_ready_i = 1;
    m.rd_req_valid_i = 1;
    m.rd_req_addr_i = 64;
    m.wr_req_valid_i = 1;
    arb.tick();
    m.rd_req_addr_i = 128;
    CHECK_THROWS_WITH(arb.tick(), Catch::Contains("module acv_mem_arbiter") && Catch::Contains("at cycle 1"));
  }
  SECTION("a response withdrawn before it was accepted fails") {
    BlockUnderTest<Vacv_mem_arbiter> arb("arbiter");
    arb.reset();
    auto& m = arb.model();
    m.mem_rsp_valid_i = 1;
    m.mem_rsp_tag_i = 0;
    m.rd_rsp_ready_i = 0;
    arb.tick();
    m.mem_rsp_valid_i = 0;
    CHECK_THROWS_WITH(arb.tick(), Catch::Contains("module acv_mem_arbiter"));
  }
}

}  // namespace
}  // namespace acv
