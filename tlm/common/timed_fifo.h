// A bounded FIFO between SystemC threads whose entries and free slots carry the time they appeared.
#pragma once

#include <systemc>

#include <cstddef>
#include <vector>
#include <utility>

#include "local_time.h"

namespace acv {

// A fixed-capacity FIFO (no allocation after construction; a deque allocates a block every few
// entries, which showed in the per-instruction cost).
template <class T>
class Ring {
 public:
  explicit Ring(std::size_t capacity) : slots_(capacity) {}
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  T& front() { return slots_[head_]; }
  const T& front() const { return slots_[head_]; }
  void push_back(T v) { push_slot() = std::move(v); }  // Contract: size() < capacity
  // push_back, leaving the new entry's slot (its old value) for the caller to fill: no temporary
  // (the entries are 100+ byte instructions, pushed several times per instruction).
  T& push_slot() {  // Contract: size() < capacity
    std::size_t tail = head_ + size_;
    if (tail >= slots_.size()) tail -= slots_.size();
    ++size_;
    return slots_[tail];
  }
  void pop_front() {
    head_ = head_ + 1 == slots_.size() ? 0 : head_ + 1;
    --size_;
  }

 private:
  std::vector<T> slots_;
  std::size_t head_ = 0, size_ = 0;
};

// Like sc_fifo, but correct under temporal decoupling: a consumer cannot take an entry before
// the producer's local time of the push, and a producer cannot reuse a slot before the
// consumer's local time of the pop. In AT the stamps equal the kernel time.
template <class T>
class TimedFifo {
 public:
  explicit TimedFifo(std::size_t capacity) : items_(capacity), free_at_(capacity) {
    for (std::size_t i = 0; i < capacity; ++i) free_at_.push_back(sc_core::SC_ZERO_TIME);
  }

  // Blocks while full; `extra` is the latency from push to visibility at the consumer.
  void push(const T& item, LocalTime& lt, const sc_core::sc_time& extra = sc_core::SC_ZERO_TIME) {
    push_with([&item](T& slot) { slot = item; }, lt, extra);
  }
  // push(), with the entry written into its slot by fill(T&) (no copy of a finished entry).
  template <class Fill>
  void push_with(Fill fill, LocalTime& lt, const sc_core::sc_time& extra = sc_core::SC_ZERO_TIME) {
    lt.block_until(popped_, push_waiters_, [this] { return !free_at_.empty(); });
    lt.advance_to(free_at_.front());
    free_at_.pop_front();
    auto& slot = items_.push_slot();
    fill(slot.first);
    slot.second = lt.now() + extra;
    lt.notify(pushed_, pop_waiters_);
  }

  // Blocks while empty; returns the oldest entry, leaving it in its slot, with lt.now() >= its stamp.
  const T& front(LocalTime& lt) {
    lt.block_until(pushed_, pop_waiters_, [this] { return !items_.empty(); });
    lt.advance_to(items_.front().second);
    return items_.front().first;
  }
  // Frees the oldest entry's slot; the producer may reuse it from lt.now() + extra.
  void pop(LocalTime& lt, const sc_core::sc_time& extra = sc_core::SC_ZERO_TIME) {
    items_.pop_front();
    free_at_.push_back(lt.now() + extra);
    if (!lazy_producer_ || items_.empty() || !lt.decoupled()) lt.notify(popped_, push_waiters_);
  }
  // front() then pop(): for consumers that free the slot as soon as they take the entry.
  T take(LocalTime& lt) {
    T item = front(lt);
    pop(lt);
    return item;
  }

  // Non-blocking access for a passive consumer / producer that keeps its own time (LT only: the
  // notifications are immediate, as LocalTime::notify's in LT). `at` plays the part of lt.now().
  bool has_free_slot() const { return !free_at_.empty(); }
  const T& peek() const { return items_.front().first; }            // Contract: !empty()
  const sc_core::sc_time& peek_stamp() const { return items_.front().second; }
  // push() at time `at` with a free slot (Contract: has_free_slot()); returns the push time
  // (at, or later if the slot frees later), as push() leaves lt.now().
  sc_core::sc_time push_at(const T& item, sc_core::sc_time at, const sc_core::sc_time& extra = sc_core::SC_ZERO_TIME) {
    if (free_at_.front() > at) at = free_at_.front();
    free_at_.pop_front();
    auto& slot = items_.push_slot();
    slot.first = item;
    slot.second = at + extra;
    if (pop_waiters_ > 0) pushed_.notify();
    return at;
  }
  // pop() at time `at`.
  void pop_at(const sc_core::sc_time& at) {
    items_.pop_front();
    free_at_.push_back(at);
    if (push_waiters_ > 0 && (!lazy_producer_ || items_.empty())) popped_.notify();
  }
  // LT: a producer blocked on the full queue is woken only once the queue has run empty, not at
  // every pop; it then refills the slots in one go, each at its stamped free time, so the times
  // are the same. Only for a producer whose progress matters to nobody but this queue's consumer
  // while the queue still holds entries (a host feeding instructions to an in-order dispatcher).
  void set_lazy_producer_wakeup(bool on) { lazy_producer_ = on; }

  bool empty() const { return items_.empty(); }
  std::size_t size() const { return items_.size(); }
  std::size_t free_slots() const { return free_at_.size(); }

 private:
  Ring<std::pair<T, sc_core::sc_time>> items_;  // with free_at_, `capacity` entries in all
  Ring<sc_core::sc_time> free_at_;
  sc_core::sc_event pushed_, popped_;
  int pop_waiters_ = 0, push_waiters_ = 0;  // threads blocked in front() / push()
  bool lazy_producer_ = false;
};

}  // namespace acv
