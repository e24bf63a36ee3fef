#include "memory.h"

#include <algorithm>
#include <cstring>

namespace acv {

bool Memory::check(tlm::tlm_generic_payload& gp) const {
  const uint64_t addr = gp.get_address();
  const uint64_t len = gp.get_data_length();
  if (addr > bytes_.size() || len > bytes_.size() - addr) {
    gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return false;
  }
  if (gp.get_byte_enable_ptr() != nullptr) {
    gp.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    return false;
  }
  if (gp.get_streaming_width() != 0 && gp.get_streaming_width() < len) {
    gp.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
    return false;
  }
  return true;
}

void Memory::operation(tlm::tlm_generic_payload& gp) {
  if (!check(gp)) return;
  uint8_t* mem = bytes_.data() + gp.get_address();
  switch (gp.get_command()) {
    case tlm::TLM_READ_COMMAND:
      std::memcpy(gp.get_data_ptr(), mem, gp.get_data_length());
      break;
    case tlm::TLM_WRITE_COMMAND:
      std::memcpy(mem, gp.get_data_ptr(), gp.get_data_length());
      break;
    case tlm::TLM_IGNORE_COMMAND:
      break;
  }
  gp.set_dmi_allowed(true);
  gp.set_response_status(tlm::TLM_OK_RESPONSE);
}

unsigned int Memory::debug_transport(tlm::tlm_generic_payload& gp) {
  const uint64_t addr = gp.get_address();
  if (addr >= bytes_.size()) return 0;
  const uint64_t len = std::min<uint64_t>(gp.get_data_length(), bytes_.size() - addr);
  if (gp.is_read()) std::memcpy(gp.get_data_ptr(), bytes_.data() + addr, len);
  else if (gp.is_write()) std::memcpy(bytes_.data() + addr, gp.get_data_ptr(), len);
  gp.set_response_status(tlm::TLM_OK_RESPONSE);
  return static_cast<unsigned int>(len);
}

void Memory::fill_dmi(tlm::tlm_dmi& dmi) {
  dmi.set_dmi_ptr(bytes_.data());
  dmi.set_start_address(0);
  dmi.set_end_address(bytes_.empty() ? 0 : bytes_.size() - 1);
  dmi.allow_read_write();
}

}  // namespace acv
