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

namespace {
template <std::size_t N>
void copy_rows(bool write, uint8_t* mem, uint64_t stride, uint8_t* data, uint64_t pitch, uint64_t count) {
  if (write)
    for (uint64_t i = 0; i < count; ++i, mem += stride, data += pitch) std::memcpy(mem, data, N);
  else
    for (uint64_t i = 0; i < count; ++i, mem += stride, data += pitch) std::memcpy(data, mem, N);
}
}  // namespace

uint64_t Memory::access_rows(bool write, uint64_t address, uint64_t stride, uint8_t* data, uint64_t pitch,
                             uint64_t length, uint64_t count) {
  if (count == 0) return 0;
  const uint64_t size = bytes_.size();
  // The rows are in bounds iff the last one is (addresses grow), barring overflow of the last address.
  const bool fits = stride <= size && count - 1 <= size / std::max<uint64_t>(stride, 1) &&
                    address <= size && (count - 1) * stride <= size - address &&
                    length <= size - address - (count - 1) * stride;
  if (!fits) {
    for (uint64_t i = 0; i < count; ++i)
      if (!access(write, address + i * stride, data + i * pitch, length)) return i;
    return count;
  }
  uint8_t* mem = bytes_.data() + address;
  switch (length) {
    case 4: copy_rows<4>(write, mem, stride, data, pitch, count); break;
    case 8: copy_rows<8>(write, mem, stride, data, pitch, count); break;
    case 16: copy_rows<16>(write, mem, stride, data, pitch, count); break;
    case 32: copy_rows<32>(write, mem, stride, data, pitch, count); break;
    case 64: copy_rows<64>(write, mem, stride, data, pitch, count); break;
    default:
      for (uint64_t i = 0; i < count; ++i, mem += stride, data += pitch)
        if (write) std::memcpy(mem, data, length);
        else std::memcpy(data, mem, length);
  }
  return count;
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
