// DramModel: the timing documented on DramConfig, the outstanding limit, order, bounds errors.
#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include "models/common/error.h"
#include "rtl/common/dram_model.h"

using namespace acv;

namespace {

DramConfig timing(int64_t latency, int64_t bytes_per_cycle, int64_t max_outstanding) {
  DramConfig c;
  c.latency = latency;
  c.bytes_per_cycle = bytes_per_cycle;
  c.max_outstanding = max_outstanding;
  return c;
}

DramRequest read(uint64_t address, uint32_t bytes, uint64_t tag = 0) {
  DramRequest r;
  r.address = address;
  r.bytes = bytes;
  r.tag = tag;
  return r;
}

// Steps until a response is presented, pops it and returns the cycle it was presented at.
int64_t next_response_cycle(DramModel& dram, uint64_t* tag = nullptr, int64_t limit = 10000) {
  for (int64_t i = 0; i < limit; ++i) {
    if (const DramResponse* r = dram.response()) {
      if (tag != nullptr) *tag = r->tag;
      dram.pop_response();
      const int64_t at = dram.cycle();
      dram.step();
      return at;
    }
    dram.step();
  }
  FAIL("no response within the limit");
  return -1;
}

}  // namespace

TEST_CASE("dram: a request completes latency + ceil(bytes / bytes_per_cycle) after acceptance", "[dram]") {
  DramModel dram(timing(40, 16, 8), std::vector<uint8_t>(1024));
  dram.step();  // accept at cycle 1
  dram.request(read(0, 17));
  CHECK(next_response_cycle(dram) == 1 + 40 + 2);
}

TEST_CASE("dram: transfers serialise on the bandwidth", "[dram]") {
  DramModel dram(timing(10, 16, 8), std::vector<uint8_t>(1024));
  dram.request(read(0, 64, 1));  // completes 0 + 10 + 4 = 14
  dram.step();
  dram.request(read(64, 64, 2));  // max(1 + 10, 14) + 4 = 18
  dram.step();
  dram.request(read(128, 16, 3));  // max(2 + 10, 18) + 1 = 19
  uint64_t tag = 0;
  CHECK(next_response_cycle(dram, &tag) == 14);
  CHECK(tag == 1);
  CHECK(next_response_cycle(dram, &tag) == 18);
  CHECK(tag == 2);
  CHECK(next_response_cycle(dram, &tag) == 19);
  CHECK(tag == 3);
  CHECK(dram.idle());
}

TEST_CASE("dram: latency overlaps when requests are far apart", "[dram]") {
  DramModel dram(timing(10, 16, 8), std::vector<uint8_t>(1024));
  dram.request(read(0, 16));  // 11
  for (int i = 0; i < 5; ++i) dram.step();
  dram.request(read(0, 16));  // max(15, 11) + 1 = 16
  CHECK(next_response_cycle(dram) == 11);
  CHECK(next_response_cycle(dram) == 16);
}

TEST_CASE("dram: at most one response per cycle, in request order", "[dram]") {
  DramModel dram(timing(5, 16, 8), std::vector<uint8_t>(1024));
  dram.request(read(0, 0, 7));  // zero-byte requests complete together at cycle 5
  dram.request(read(0, 0, 8));
  uint64_t tag = 0;
  CHECK(next_response_cycle(dram, &tag) == 5);
  CHECK(tag == 7);
  CHECK(next_response_cycle(dram, &tag) == 6);
  CHECK(tag == 8);
}

TEST_CASE("dram: max_outstanding bounds the requests in flight until their responses are popped", "[dram]") {
  DramModel dram(timing(3, 16, 2), std::vector<uint8_t>(1024));
  REQUIRE(dram.can_accept());
  dram.request(read(0, 16));
  dram.request(read(16, 16));
  CHECK_FALSE(dram.can_accept());
  CHECK_THROWS_AS(dram.request(read(32, 16)), BackendError);
  while (dram.response() == nullptr) {
    CHECK_FALSE(dram.can_accept());
    dram.step();
  }
  CHECK(dram.cycle() == 4);
  dram.pop_response();
  CHECK_FALSE(dram.can_accept());  // the slot frees in the next cycle
  dram.step();
  CHECK(dram.can_accept());
}

TEST_CASE("dram: writes update memory on acceptance and reads return its contents", "[dram]") {
  DramModel dram(timing(2, 4, 4), std::vector<uint8_t>(64, 0));
  const uint8_t bytes[] = {1, 2, 3, 4, 5};
  DramRequest w;
  w.write = true;
  w.address = 10;
  w.bytes = 5;
  w.data = bytes;
  w.tag = 1;
  dram.request(w);
  CHECK(dram.memory()[12] == 3);
  dram.step();
  dram.request(read(11, 3, 2));
  while (dram.response() == nullptr) dram.step();
  CHECK(dram.response()->write);
  dram.pop_response();
  dram.step();
  while (dram.response() == nullptr) dram.step();
  const DramResponse* r = dram.response();
  REQUIRE(r->bytes == 3);
  CHECK(r->data[0] == 2);
  CHECK(r->data[2] == 4);
  CHECK(dram.reads() == 1);
  CHECK(dram.writes() == 1);
  CHECK(dram.bytes_written() == 5);
}

TEST_CASE("dram: an access outside memory is a BackendError naming the address", "[dram]") {
  DramModel dram(timing(2, 4, 4), std::vector<uint8_t>(256));
  CHECK_NOTHROW(dram.request(read(252, 4)));
  CHECK_THROWS_WITH(dram.request(read(254, 4)), Catch::Contains("0xfe"));
  CHECK_THROWS_AS(dram.request(read(1ull << 40, 1)), BackendError);
}

TEST_CASE("dram: bad timing parameters are rejected", "[dram]") {
  CHECK_THROWS_AS(DramModel(timing(1, 0, 1), {}), BackendError);
  CHECK_THROWS_AS(DramModel(timing(1, 1, 0), {}), BackendError);
}
