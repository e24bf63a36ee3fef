// A bounded FIFO between SystemC threads whose entries and free slots carry the time they appeared.
#pragma once

#include <systemc>

#include <cstddef>
#include <deque>
#include <utility>

#include "local_time.h"

namespace acv {

// Like sc_fifo, but correct under temporal decoupling: a consumer cannot take an entry before
// the producer's local time of the push, and a producer cannot reuse a slot before the
// consumer's local time of the pop. In AT the stamps equal the kernel time.
template <class T>
class TimedFifo {
 public:
  explicit TimedFifo(std::size_t capacity) {
    for (std::size_t i = 0; i < capacity; ++i) free_at_.push_back(sc_core::SC_ZERO_TIME);
  }

  // Blocks while full; `extra` is the latency from push to visibility at the consumer.
  void push(T item, LocalTime& lt, const sc_core::sc_time& extra = sc_core::SC_ZERO_TIME) {
    lt.wait_until(popped_, [this] { return !free_at_.empty(); });
    lt.advance_to(free_at_.front());
    free_at_.pop_front();
    items_.emplace_back(std::move(item), lt.now() + extra);
    pushed_.notify(sc_core::SC_ZERO_TIME);
  }

  // Blocks while empty; returns the oldest entry, leaving it in its slot, with lt.now() >= its stamp.
  const T& front(LocalTime& lt) {
    lt.wait_until(pushed_, [this] { return !items_.empty(); });
    lt.advance_to(items_.front().second);
    return items_.front().first;
  }
  // Frees the oldest entry's slot; the producer may reuse it from lt.now() + extra.
  void pop(LocalTime& lt, const sc_core::sc_time& extra = sc_core::SC_ZERO_TIME) {
    items_.pop_front();
    free_at_.push_back(lt.now() + extra);
    popped_.notify(sc_core::SC_ZERO_TIME);
  }
  // front() then pop(): for consumers that free the slot as soon as they take the entry.
  T take(LocalTime& lt) {
    T item = front(lt);
    pop(lt);
    return item;
  }

  bool empty() const { return items_.empty(); }
  std::size_t size() const { return items_.size(); }
  std::size_t free_slots() const { return free_at_.size(); }

 private:
  std::deque<std::pair<T, sc_core::sc_time>> items_;
  std::deque<sc_core::sc_time> free_at_;
  sc_core::sc_event pushed_, popped_;
};

}  // namespace acv
