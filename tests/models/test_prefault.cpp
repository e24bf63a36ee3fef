// Tests of models/common/prefault: faulting pages in is invisible to the program but for speed.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <vector>

#include "models/common/prefault.h"

using namespace acv;

TEST_CASE("prefault_for_write keeps the contents of a buffer and of its neighbours", "[prefault]") {
  // A large buffer (well past the size where the hint acts) written before, with a range starting
  // and ending off page boundaries.
  std::vector<uint32_t> buffer(1 << 20);
  std::iota(buffer.begin(), buffer.end(), 7u);
  const std::vector<uint32_t> before = buffer;
  prefault_for_write(buffer.data() + 3, (buffer.size() - 10) * sizeof(uint32_t));
  prefault_for_write(buffer.data(), 0);
  prefault_for_write(nullptr, 1 << 20);
  CHECK(buffer == before);
}

TEST_CASE("prefaulted_vector holds n zeros whatever the memory held before", "[prefault]") {
  for (const std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{100}, std::size_t{3} << 20}) {
    {
      std::vector<int32_t> dirty(n + 16, -1);  // freed memory the next allocation may reuse
    }
    const std::vector<int32_t> v = prefaulted_vector<int32_t>(n);
    REQUIRE(v.size() == n);
    CHECK(std::all_of(v.begin(), v.end(), [](int32_t x) { return x == 0; }));
  }
}
