// The plasticine CGRA's three TLM units: the load and store address generators (each with its
// DMA initiator on the shared memory port) and the lock-step PCU array.
#pragma once

#include <systemc>

#include <vector>

#include "shared_state.h"
#include "tlm/common/dma_initiator.h"

namespace acv::plasticine {

// Runs `execute` on every instruction of `queue` in order, then frees its slot (the command held
// it until its last cycle), lets the dispatcher move on and retires the instruction.
class QueueUnit : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(QueueUnit);
  QueueUnit(sc_core::sc_module_name name, SharedState& state, CommandTarget& command,
            TimedFifo<ConcreteInstruction>& queue);

 protected:
  virtual void execute(const ConcreteInstruction& in, LocalTime& lt) = 0;
  SharedState& state_;

 private:
  void run();
  CommandTarget& command_;
  TimedFifo<ConcreteInstruction>& queue_;
};

// load: waits until the half is not full, reads the rows' bursts (one DMA burst: the rows are
// burst-padded, so the bursts are consecutive), writes them into one PMU or every PMU; `fill`
// marks the half full after the last response.
class LoadUnit : public QueueUnit {
 public:
  LoadUnit(sc_core::sc_module_name name, SharedState& state, CommandTarget& command, DmaInitiator& dma);

 private:
  void execute(const ConcreteInstruction& in, LocalTime& lt) override;
  DmaInitiator& dma_;
  std::vector<uint8_t> staging_;
};

// route and compute: every PCU computes its dot products from its routed PMU's half into its
// output half; the half is freed and the output half marked full at the end.
class PcuArray : public QueueUnit {
 public:
  PcuArray(sc_core::sc_module_name name, SharedState& state, CommandTarget& command);

 private:
  void execute(const ConcreteInstruction& in, LocalTime& lt) override;
};

// store: waits until the output half is full, writes one PCU's rows (one request each, posted);
// `release` frees the output half at the last accept.
class StoreUnit : public QueueUnit {
 public:
  StoreUnit(sc_core::sc_module_name name, SharedState& state, CommandTarget& command, DmaInitiator& dma);

 private:
  void execute(const ConcreteInstruction& in, LocalTime& lt) override;
  CommandTarget& command_;
  DmaInitiator& dma_;
  std::vector<uint8_t> staging_;
};

}  // namespace acv::plasticine
