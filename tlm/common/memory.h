// The external memory's behaviour: storage and the functional part of a generic-payload access.
#pragma once

#include <tlm>

#include <cstdint>
#include <cstring>
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
  // One row of a DMA burst, without a payload: false (nothing copied) when it leaves the memory.
  bool access(bool write, uint64_t address, uint8_t* data, uint64_t length) {
    if (address > bytes_.size() || length > bytes_.size() - address) return false;
    if (write) std::memcpy(bytes_.data() + address, data, length);
    else std::memcpy(data, bytes_.data() + address, length);
    return true;
  }
  // `count` rows of `length` bytes, row i at address + i * stride in memory and data + i * pitch
  // on chip, in order. Returns the number of rows copied: fewer than count when row `result`
  // leaves the memory (it and the later rows are not copied).
  uint64_t access_rows(bool write, uint64_t address, uint64_t stride, uint8_t* data, uint64_t pitch,
                       uint64_t length, uint64_t count);
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
