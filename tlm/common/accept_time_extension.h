// A generic-payload extension through which a memory target tells an LT initiator when it accepted a request.
#pragma once

#include <systemc>
#include <tlm>

namespace acv {

// Optional payload extension: in b_transport the target reports when it accepted the request
// (the AT END_REQ time), so an LT initiator can present its next request when the RTL would.
struct AcceptTimeExtension : tlm::tlm_extension<AcceptTimeExtension> {
  sc_core::sc_time accepted;  // absolute time
  tlm::tlm_extension_base* clone() const override { return new AcceptTimeExtension(*this); }
  void copy_from(const tlm::tlm_extension_base& other) override {
    accepted = static_cast<const AcceptTimeExtension&>(other).accepted;
  }
};

}  // namespace acv
