// LazyMemory (tlm/ultratrail/lazy_memory.h): reads zero where never written, holds storage only up
// to what was used, keeps what was written as it grows, and knows its bounds.
#include <catch2/catch.hpp>

#include "tlm/ultratrail/lazy_memory.h"

using acv::ultratrail::LazyMemory;

TEST_CASE("a lazy memory reads zero everywhere before anything is written, without storage", "[tlm][ultratrail]") {
  const LazyMemory m(196608);
  CHECK(m.capacity() == 196608);
  CHECK(m.allocated() == 0);
  for (std::size_t at : {std::size_t{0}, std::size_t{4095}, std::size_t{196607}}) CHECK(m.read(at) == 0);
}

TEST_CASE("a lazy memory allocates up to the bytes used and keeps them as it grows", "[tlm][ultratrail]") {
  LazyMemory m(1 << 16);
  uint8_t* p = m.span(100, 8);
  for (uint8_t i = 0; i < 8; ++i) p[i] = static_cast<uint8_t>(i + 1);
  CHECK(m.allocated() == 108);
  CHECK(m.read(99) == 0);   // lent out by span, never written
  CHECK(m.read(103) == 4);
  CHECK(m.read(108) == 0);  // past the storage
  p = m.span(5000, 4);      // grows (may move): the first bytes stay
  CHECK(m.allocated() == 5004);
  CHECK(m.read(107) == 8);
  CHECK(p[0] == 0);
  CHECK(m.span(0, 1) == m.span(0, 1));  // inside the storage: no growth
  CHECK(m.allocated() == 5004);
  m.span(0, 1 << 16);  // the whole memory
  CHECK(m.allocated() == (1 << 16));
  CHECK(m.read(100) == 1);
}

TEST_CASE("a lazy memory holds exactly the ranges inside its capacity", "[tlm][ultratrail]") {
  const LazyMemory m(1024);
  CHECK(m.holds(0, 1024));
  CHECK(m.holds(1024, 0));
  CHECK(m.holds(1000, 24));
  CHECK_FALSE(m.holds(1000, 25));
  CHECK_FALSE(m.holds(-1, 1));
  CHECK_FALSE(m.holds(0, -1));
  CHECK_FALSE(m.holds(INT64_MAX, 2));  // no overflow
  CHECK_FALSE(m.holds(2, INT64_MAX));
}
