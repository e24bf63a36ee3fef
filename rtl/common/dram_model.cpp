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
  if (request.address > memory_.size() || request.bytes > memory_.size() - request.address) {
    throw BackendError(std::string("DRAM model: ") + (request.write ? "write" : "read") + " of " +
                       std::to_string(request.bytes) + " bytes at address " + hex(request.address) +
                       " is outside the " + std::to_string(memory_.size()) + "-byte memory");
  }
  Slot& slot = slots_[(head_ + in_flight_) % slots_.size()];
  const int64_t transfer = (static_cast<int64_t>(request.bytes) + config_.bytes_per_cycle - 1) / config_.bytes_per_cycle;
  slot.completion = std::max(cycle_ + config_.latency, last_completion_) + transfer;
  last_completion_ = slot.completion;
  slot.response.tag = request.tag;
  slot.response.write = request.write;
  slot.response.bytes = request.bytes;
  uint8_t* mem = memory_.data() + request.address;
  if (request.write) {
    if (request.bytes != 0) std::memcpy(mem, request.data, request.bytes);
    slot.response.data = nullptr;
    ++writes_;
    bytes_written_ += request.bytes;
  } else {
    slot.data.assign(mem, mem + request.bytes);
    slot.response.data = slot.data.data();
    ++reads_;
    bytes_read_ += request.bytes;
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
