#include "dram_model.h"

#include <algorithm>
#include <cstring>
#include <sstream>
#include <string>

#include "models/common/error.h"

namespace acv {

namespace {

std::string hex(uint64_t v) {
  std::ostringstream s;
  s << "0x" << std::hex << v;
  return s.str();
}

}  // namespace

DramModel::DramModel(const DramConfig& config, std::vector<uint8_t> memory)
    : config_(config), memory_(std::move(memory)) {
  if (config_.latency < 0 || config_.bytes_per_cycle <= 0 || config_.max_outstanding <= 0) {
    throw BackendError("DRAM model: latency must be >= 0, bytes_per_cycle and max_outstanding > 0 (got " +
                       std::to_string(config_.latency) + ", " + std::to_string(config_.bytes_per_cycle) + ", " +
                       std::to_string(config_.max_outstanding) + ")");
  }
  slots_.resize(static_cast<size_t>(config_.max_outstanding));
}

void DramModel::request(const DramRequest& request) {
  if (!can_accept()) {
    throw BackendError("DRAM model: request at cycle " + std::to_string(cycle_) + " with " +
                       std::to_string(in_flight_) + " requests in flight (max_outstanding " +
                       std::to_string(config_.max_outstanding) + ")");
  }
  if (request.beats == 0 || (request.burst != 0 && request.beats > request.burst)) {
    throw BackendError("DRAM model: request of " + std::to_string(request.beats) + " beats in a burst of " +
                       std::to_string(request.burst));
  }
  for (uint32_t i = 0; i < request.beats; ++i) {
    const uint64_t address = request.address + i * request.stride;
    if (address > memory_.size() || request.bytes > memory_.size() - address) {
      throw BackendError(std::string("DRAM model: ") + (request.write ? "write" : "read") + " of " +
                         std::to_string(request.bytes) + " bytes at address " + hex(address) +
                         " is outside the " + std::to_string(memory_.size()) + "-byte memory");
    }
  }
  Slot& slot = slots_[(head_ + in_flight_) % slots_.size()];
  const int64_t bpc = config_.bytes_per_cycle;
  const int64_t beat_bytes = request.bytes;
  const int64_t transfer = request.burst == 0
                               ? (beat_bytes * request.beats + bpc - 1) / bpc
                               : std::max<int64_t>(request.burst, (beat_bytes * request.burst + bpc - 1) / bpc);
  slot.completion = std::max(cycle_ + config_.latency, last_completion_) + transfer;
  last_completion_ = slot.completion;
  slot.response.tag = request.tag;
  slot.response.write = request.write;
  slot.response.bytes = request.bytes;
  slot.response.beats = request.beats;
  const int64_t total = beat_bytes * request.beats;
  if (request.write) {
    for (uint32_t i = 0; i < request.beats && request.bytes != 0; ++i)
      std::memcpy(memory_.data() + request.address + i * request.stride, request.data + i * beat_bytes,
                  request.bytes);
    slot.response.data = nullptr;
    ++writes_;
    bytes_written_ += total;
  } else {
    slot.data.resize(static_cast<size_t>(total));
    for (uint32_t i = 0; i < request.beats && request.bytes != 0; ++i)
      std::memcpy(slot.data.data() + i * beat_bytes, memory_.data() + request.address + i * request.stride,
                  request.bytes);
    slot.response.data = slot.data.data();
    ++reads_;
    bytes_read_ += total;
  }
  ++in_flight_;
}

void DramModel::pop_response() {
  if (response() == nullptr) throw BackendError("DRAM model: no response to pop at cycle " + std::to_string(cycle_));
  head_ = (head_ + 1) % slots_.size();
  --in_flight_;
  last_pop_ = cycle_;
}

}  // namespace acv
