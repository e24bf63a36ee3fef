// Register map of the command port (CommandTarget): what host software writes and polls.
#pragma once

#include <cstdint>
#include <cstring>

namespace acv::cmdreg {

// All registers are 64-bit, little-endian, at 8-byte aligned offsets; accesses may span
// several consecutive registers (a burst), which is how a host pushes a whole instruction.
constexpr uint64_t kId = 0x00;        // RO  magic kIdValue
constexpr uint64_t kStatus = 0x08;    // RO  see kStatus* bits
constexpr uint64_t kControl = 0x10;   // WO  kControlEnd: no more instructions follow
constexpr uint64_t kCycles = 0x18;    // RO  cycles since reset; frozen at completion once done
constexpr uint64_t kPushed = 0x20;    // RO  instructions accepted
constexpr uint64_t kRetired = 0x28;   // RO  instructions completed by the units
constexpr uint64_t kField0 = 0x40;    // RW  operand staging: field i at kField0 + 8*i, i < kNumFields
constexpr uint64_t kNumFields = 12;
constexpr uint64_t kPush = 0xA0;      // WO  opcode | (number of fields << 32): pushes the staged instruction
constexpr uint64_t kSize = 0xA8;

constexpr uint64_t kIdValue = 0x41435654;  // "ACVT"
constexpr uint64_t kStatusBusy = 1u << 0;     // instructions pending or running
constexpr uint64_t kStatusDone = 1u << 1;     // END written and every pushed instruction retired
constexpr uint64_t kStatusError = 1u << 2;    // a malformed access or push (see the simulation log)
constexpr int kStatusFreeShift = 32;          // bits 32..47: free slots in the command queue
constexpr uint64_t kControlEnd = 1u << 0;

// Register values as bytes (little-endian), for initiators and the target alike.
inline void store_le64(uint8_t* p, uint64_t v) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  std::memcpy(p, &v, sizeof v);
#else
  for (int b = 0; b < 8; ++b) p[b] = static_cast<uint8_t>(v >> (8 * b));
#endif
}
inline uint64_t load_le64(const uint8_t* p) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
#else
  uint64_t v = 0;
  for (int b = 0; b < 8; ++b) v |= static_cast<uint64_t>(p[b]) << (8 * b);
  return v;
#endif
}

}  // namespace acv::cmdreg
