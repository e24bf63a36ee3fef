// run_in_child_process: results and errors cross the process boundary; a crash is a BackendError.
#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <thread>

#include "models/common/error.h"
#include "tlm/common/child_process.h"

namespace acv {
namespace {

TEST_CASE("a child's SimulationOutput arrives intact") {
  const SimulationOutput out = run_in_child_process([] {
    SimulationOutput o;
    o.cycles = 123456789012;
    o.counters["busy"] = 7;
    o.dram.assign(200000, 0);
    o.dram[199999] = 42;
    return o;
  });
  CHECK(out.cycles == 123456789012);
  CHECK(out.counters.at("busy") == 7);
  REQUIRE(out.dram.size() == 200000);
  CHECK(out.dram[199999] == 42);
}

TEST_CASE("a child's errors are rethrown with their kind and message") {
  CHECK_THROWS_AS(run_in_child_process([]() -> SimulationOutput { throw InputError("bad mode"); }), InputError);
  CHECK_THROWS_WITH(run_in_child_process([]() -> SimulationOutput { throw BackendError("deadlock"); }), "deadlock");
}

TEST_CASE("a crashed child is a BackendError naming how it died") {
  CHECK_THROWS_WITH(run_in_child_process([]() -> SimulationOutput {
                      std::signal(SIGSEGV, SIG_DFL);  // Catch2 handles it otherwise
                      std::raise(SIGSEGV);
                      return {};
                    }),
                    Catch::Matchers::Contains("signal 11"));
  CHECK_THROWS_WITH(run_in_child_process([]() -> SimulationOutput { std::_Exit(9); }),
                    Catch::Matchers::Contains("exit status 9"));
}

TEST_CASE("with a base image only the ranges to return travel back, written over the base") {
  std::vector<uint8_t> base(100000, 7);
  ImageReturn image;
  image.base = &base;
  image.ranges = {{10, 2}, {99990, 10}};
  const SimulationOutput out = run_in_child_process(
      [&] {
        SimulationOutput o;
        o.cycles = 5;
        o.dram = std::move(base);  // the child's copy of the parent's image
        for (auto& b : o.dram) b = static_cast<uint8_t>(b + 1);
        return o;
      },
      image);
  CHECK(out.cycles == 5);
  REQUIRE(out.dram.size() == 100000);
  CHECK(out.dram[10] == 8);  // returned
  CHECK(out.dram[11] == 8);
  CHECK(out.dram[12] == 7);  // not returned: the base's byte
  CHECK(out.dram[99989] == 7);
  CHECK(out.dram[99990] == 8);
  CHECK(out.dram[99999] == 8);
  CHECK(base.empty());  // the result's image was moved from the base
}

TEST_CASE("a returned range outside the image, or an image of another size than the base, is a BackendError") {
  std::vector<uint8_t> base(64, 0);
  ImageReturn image;
  image.base = &base;
  image.ranges = {{60, 8}};
  CHECK_THROWS_AS(run_in_child_process([] { return SimulationOutput{}; }, image), BackendError);
  image.ranges = {{0, 8}};
  // A child whose image has `bytes` bytes.
  const auto image_of = [](std::size_t bytes) {
    return [bytes] {
      SimulationOutput o;
      o.dram.assign(bytes, 1);
      return o;
    };
  };
  CHECK_THROWS_WITH(run_in_child_process(image_of(32), image), Catch::Matchers::Contains("incomplete result"));
  CHECK_THROWS_WITH(run_in_child_process(image_of(4), image), Catch::Matchers::Contains("does not hold the ranges"));
}

TEST_CASE("children are reaped after their result arrives: none is left behind") {
  for (int i = 0; i < 5; ++i) {
    const SimulationOutput out = run_in_child_process([i] {
      SimulationOutput o;
      o.cycles = i;
      o.dram.assign(300000, static_cast<uint8_t>(i));
      return o;
    });
    CHECK(out.cycles == i);
    CHECK(out.dram.back() == i);
  }
  // The last children may still be exiting; none may stay a zombie once they have.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (exiting_child_processes() > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  CHECK(exiting_child_processes() == 0);
  int status = 0;
  CHECK(::waitpid(-1, &status, WNOHANG) == -1);  // no child of this process left to reap
  CHECK(errno == ECHILD);
}

}  // namespace
}  // namespace acv
