// The external memory's behaviour: storage and the functional part of a generic-payload access.
#pragma once

#include <tlm>

#include <cstdint>
#include <vector>

namespace acv {

// Byte-addressed storage starting at address 0. Socket shells (MemoryTarget) call operation()
// at the time they decide the access happens; timing lives in DramTiming.
class Memory {
 public:
  explicit Memory(std::vector<uint8_t> contents) : bytes_(std::move(contents)) {}

  // Contract: performs a read or write (or ignore) and sets the response status: address
  // error outside [0, size), burst error for streaming, byte-enable error for byte enables.
  void operation(tlm::tlm_generic_payload& gp);
  unsigned int debug_transport(tlm::tlm_generic_payload& gp);  // bytes copied
  // Whole memory, read/write, for DMI grants.
  void fill_dmi(tlm::tlm_dmi& dmi);

  std::vector<uint8_t>& bytes() { return bytes_; }
  const std::vector<uint8_t>& bytes() const { return bytes_; }

 private:
  bool check(tlm::tlm_generic_payload& gp) const;
  std::vector<uint8_t> bytes_;
};

}  // namespace acv
