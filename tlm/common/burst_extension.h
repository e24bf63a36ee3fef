// A generic-payload extension that turns one LT b_transport into a DMA burst of row requests.
#pragma once

#include <systemc>
#include <tlm>

#include <cstdint>

namespace acv {

// One contiguous access of a DMA; `data` points at the on-chip side (read destination or write source).
struct DmaRequest {
  uint64_t address = 0;
  uint8_t* data = nullptr;
  uint32_t bytes = 0;
};

// A DMA descriptor: `count` rows of `bytes` each, row i at `address + i * stride` in memory and
// at `data + i * pitch` on chip. Each row is one memory request, or with rows_per_request R > 1
// each request a fixed-length burst of R rows (the first carries the remainder, (count-1) % R + 1),
// timed as R beats of one row each: max(R, ceil(R * bytes / bytes_per_cycle)) cycles of transfer
// (rtl/common/dram_model.h, DramRequest::burst). Request i+1 is presented `gap` cycles after
// request i is accepted (1: back to back).
struct DmaBurst {
  uint64_t address = 0;
  uint64_t stride = 0;
  uint8_t* data = nullptr;
  uint64_t pitch = 0;
  uint32_t bytes = 0;
  uint32_t count = 0;
  uint32_t gap = 1;
  uint32_t rows_per_request = 1;
  uint32_t requests() const { return rows_per_request <= 1 ? count : (count + rows_per_request - 1) / rows_per_request; }
  DmaRequest row(uint32_t i) const { return DmaRequest{address + i * stride, data + i * pitch, bytes}; }
};

// Optional payload extension that makes one transaction a whole DMA burst. The payload's command
// applies to every row; its address, data pointer and length describe row 0 (so a target that
// ignores the extension still sees a valid access). The target performs every row and times them
// as the hardware would: row i+1 is presented `gap` cycles after row i was accepted, the first at
// the request's time.
//  - LT (b_transport): on return `delay` is the last row's completion - sc_time_stamp(), and the
//    extension holds the last accept and the last completion (absolute). A target may wait() inside
//    the call.
//  - AT (nb_transport, 4 phases): END_REQ when the last row is accepted (the extension holds that
//    cycle and the last completion once END_REQ is sent), BEGIN_RESP at the last row's completion.
struct BurstExtension : tlm::tlm_extension<BurstExtension> {
  DmaBurst burst;                  // set by the initiator
  sc_core::sc_time last_accept;    // set by the target
  sc_core::sc_time last_complete;  // set by the target with last_accept (a posted read's end)
  tlm::tlm_extension_base* clone() const override { return new BurstExtension(*this); }
  void copy_from(const tlm::tlm_extension_base& other) override {
    const auto& o = static_cast<const BurstExtension&>(other);
    burst = o.burst;
    last_accept = o.last_accept;
    last_complete = o.last_complete;
  }
};

}  // namespace acv
