// A host-side initiator that streams a Program into a CommandTarget, as the RTL driver does.
#pragma once

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include <vector>

#include "local_time.h"
#include "models/common/program.h"

namespace acv {

// Pushes each instruction with one burst write (fields and push register), then writes END.
// A full command queue stalls the write; the feeder does not poll (the host example does).
class ProgramFeeder : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<ProgramFeeder> socket;

  SC_HAS_PROCESS(ProgramFeeder);
  // Contract: `program` outlives the feeder (run_top's Program does).
  ProgramFeeder(sc_core::sc_module_name name, const Program& program, TlmMode mode, const Clock& clock);

 private:
  void run();
  void write(uint64_t address, std::vector<uint8_t>& bytes, LocalTime& lt);

  tlm::tlm_generic_payload m_gp;
  // Streamed by run(); not copied: the feeder lives in a TLM run's child process, where a copy's
  // every first-touched heap page faults (a flattened copy would be 100+ bytes per instruction).
  const Program& m_program;
  TlmMode mode_;
  Clock clock_;
};

}  // namespace acv
