// The store unit: mvout, scratchpad or accumulator rows (int8, raw int32 or requantised) to
// external memory through its DMA; done when every write is acknowledged.
#pragma once

#include <systemc>

#include <vector>

#include "shared_state.h"
#include "tlm/common/command_target.h"
#include "tlm/common/dma_initiator.h"

namespace acv::gemmini {

class StoreUnit : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(StoreUnit);
  StoreUnit(sc_core::sc_module_name name, SharedState& state, CommandTarget& command, DmaInitiator& dma);
  // The DMA's write-acknowledge hook: `at` is the cycle after the write's response.
  void acknowledged(const sc_core::sc_time& at);
  // LT, called while another thread runs (this one is suspended): a cycle before which the unit
  // presents no burst it has not presented yet. Its local time when it last could block bounds
  // every later request; blocked on its empty queue, it also waits for the decoder's next push,
  // which comes no earlier than cycle `decoder_next` (Decoder::next_push_floor).
  int64_t arrival_floor(int64_t decoder_next) const;

 private:
  void run();
  void execute(const UnitCommand& c, LocalTime& lt);
  SharedState& state_;
  CommandTarget& command_;
  DmaInitiator& dma_;
  SharedState::Counter dep_wait_, active_, writes_, bytes_;
  std::vector<uint8_t> staging_;  // the rows as written to memory
  int64_t acks_ = 0;
  sc_core::sc_time last_ack_;
  sc_core::sc_event ack_event_;
  sc_core::sc_time floor_;  // the local time before the latest call that may suspend
  bool on_queue_ = false;   // suspended in front() of its queue
};

}  // namespace acv::gemmini
