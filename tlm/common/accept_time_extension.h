// A generic-payload extension through which a memory target tells an LT initiator when it accepted a request.
#pragma once

#include <systemc>
#include <tlm>

namespace acv {

// Optional payload extension for LT (b_transport): the target reports when it accepted the
// request (the AT END_REQ time), so the initiator can present its next request when the hardware
// would; the initiator says whether another request follows in the next cycle, so the target can
// keep the port for it against lower-priority initiators (as its AT arbiter does).
struct AcceptTimeExtension : tlm::tlm_extension<AcceptTimeExtension> {
  sc_core::sc_time accepted;  // absolute time (set by the target)
  bool more = false;          // set by the initiator
  tlm::tlm_extension_base* clone() const override { return new AcceptTimeExtension(*this); }
  void copy_from(const tlm::tlm_extension_base& other) override {
    accepted = static_cast<const AcceptTimeExtension&>(other).accepted;
    more = static_cast<const AcceptTimeExtension&>(other).more;
  }
};

}  // namespace acv
