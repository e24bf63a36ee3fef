// Messages between acv's processes (models/common/wire.h): what is sent arrives whole, and an error
// crosses as its own kind.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <functional>
#include <vector>

#include "models/common/wire.h"

using namespace acv;

TEST_CASE("messages sent over a pipe arrive whole, one after the other, and a closed pipe ends them") {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  Writer a, b;
  a.i64(-7);
  a.f64(0.125);
  a.str("layer");
  b.u8(3);
  REQUIRE(a.send(fds[1]));
  REQUIRE(b.send(fds[1]));
  ::close(fds[1]);
  std::vector<uint8_t> buf;
  REQUIRE(read_message(fds[0], &buf));
  Reader r(buf.data(), buf.size());
  int64_t i = 0;
  double d = 0;
  std::string s;
  uint8_t u = 0;
  CHECK((r.i64(i) && r.f64(d) && r.bytes(s)));
  CHECK(i == -7);
  CHECK(d == 0.125);
  CHECK(s == "layer");
  CHECK_FALSE(r.u8(u));  // nothing past the message
  REQUIRE(read_message(fds[0], &buf));
  CHECK(buf == std::vector<uint8_t>{3});
  CHECK_FALSE(read_message(fds[0], &buf));
  ::close(fds[0]);
}

TEST_CASE("an error written where it was caught is thrown on the other side as the same kind") {
  const auto cross = [](const std::function<void()>& fail) {
    Writer w;
    try {
      fail();
    } catch (...) {
      put_current_error(&w);
    }
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    REQUIRE(w.send(fds[1]));
    ::close(fds[1]);
    std::vector<uint8_t> buf;
    REQUIRE(read_message(fds[0], &buf));
    ::close(fds[0]);
    Reader r(buf.data(), buf.size());
    uint8_t outcome = 0;
    REQUIRE(r.u8(outcome));
    CHECK(outcome != static_cast<uint8_t>(Outcome::Ok));
    throw_error(outcome, &r);
  };
  CHECK_THROWS_AS(cross([] { throw InputError("bad.yaml:3: field 'rows'"); }), InputError);
  CHECK_THROWS_WITH(cross([] { throw InputError("bad.yaml:3: field 'rows'"); }), "bad.yaml:3: field 'rows'");
  CHECK_THROWS_AS(cross([] { throw MappingError("too large"); }), MappingError);
  CHECK_THROWS_AS(cross([] { throw BackendError("died"); }), BackendError);
  CHECK_THROWS_AS(cross([] { throw std::runtime_error("other"); }), BackendError);
  CHECK_THROWS_WITH(cross([] { throw 42; }), "unknown exception");
}

TEST_CASE("an error whose message did not arrive is thrown as its kind, saying the message was lost") {
  const std::vector<uint8_t> cut = {static_cast<uint8_t>(Outcome::InputError)};  // no message after it
  Reader r(cut.data(), cut.size());
  uint8_t outcome = 0;
  REQUIRE(r.u8(outcome));
  CHECK_THROWS_AS(throw_error(outcome, &r), InputError);
  Reader again(cut.data(), cut.size());
  REQUIRE(again.u8(outcome));
  CHECK_THROWS_WITH(throw_error(outcome, &again), "(message lost)");
}
