#include "program_feeder.h"

#include <string>

#include "command_registers.h"
#include "models/common/error.h"

namespace acv {

ProgramFeeder::ProgramFeeder(sc_core::sc_module_name name, const Program& program, TlmMode mode, const Clock& clock)
    : sc_core::sc_module(name), socket("socket"), m_program(program), mode_(mode), clock_(clock) {
  SC_THREAD(run);
}

void ProgramFeeder::write(uint64_t address, std::vector<uint8_t>& bytes, LocalTime& lt) {
  tlm::tlm_generic_payload& gp = m_gp;  // reused: a payload allocates its extension array
  gp.set_command(tlm::TLM_WRITE_COMMAND);
  gp.set_address(address);
  gp.set_data_ptr(bytes.data());
  gp.set_data_length(static_cast<unsigned>(bytes.size()));
  gp.set_streaming_width(static_cast<unsigned>(bytes.size()));
  gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  sc_core::sc_time delay = lt.offset();
  socket->b_transport(gp, delay);
  if (gp.is_response_error())
    throw BackendError(std::string(name()) + ": command port: " + gp.get_response_string());
  lt.set_now(LocalTime::kernel_time() + delay);
}

void ProgramFeeder::run() {
  LocalTime lt(mode_, clock_);
  std::vector<uint8_t> burst((cmdreg::kNumFields + 1) * 8);
  auto put = [&burst](std::size_t word, uint64_t v) { cmdreg::store_le64(burst.data() + word * 8, v); };
  static_assert(cmdreg::kNumFields == kMaxFields, "one register per instruction field");
  m_program.for_each([&](const ConcreteInstruction& in) {  // blocks inside while the queue is full
    // Fields past num_fields are 0 (ConcreteInstruction's default, as Program::for_each leaves them).
    for (std::size_t i = 0; i < cmdreg::kNumFields; ++i) put(i, static_cast<uint64_t>(in.f[i]));
    put(cmdreg::kNumFields,
        static_cast<uint64_t>(static_cast<uint32_t>(in.opcode)) | (static_cast<uint64_t>(in.num_fields) << 32));
    write(cmdreg::kField0, burst, lt);
  });
  std::vector<uint8_t> end(8, 0);
  end[0] = static_cast<uint8_t>(cmdreg::kControlEnd);
  write(cmdreg::kControl, end, lt);
  lt.sync();
}

}  // namespace acv
