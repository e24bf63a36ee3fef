// acv_tlm_host: how host software drives an accelerator's virtual prototype over its command registers.
// It maps one GEMM, writes each instruction to the command registers (polling the queue's free
// slots first), writes END, polls STATUS until DONE, reads the cycle counter, and checks the result
// in memory against the golden reference. Any accelerator with a registered TlmRunner (its config
// file names it); the model runs as in `acv run --backend tlm`, with the common LT quantum. See docs/tlm.md.
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "models/common/accelerator.h"
#include "models/common/golden.h"
#include "tlm/common/clock.h"
#include "tlm/common/command_registers.h"
#include "tlm/common/local_time.h"
#include "tlm/common/tlm_mode.h"
#include "tlm/common/tlm_runner.h"

namespace acv {
namespace {

// What the software read back (it outlives the module, which the runner owns).
struct HostReport {
  int64_t cycles = 0, polls = 0, retired = 0;
  bool ok = false;
};

// The software side: a driver that sees only registers (as firmware on a host CPU would).
class HostSoftware : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<HostSoftware> socket;

  SC_HAS_PROCESS(HostSoftware);
  HostSoftware(sc_core::sc_module_name name, const Program& program, TlmMode mode, bool verbose, HostReport& report)
      : sc_core::sc_module(name), socket("socket"), mode_(mode), verbose_(verbose), report_(report) {
    program.for_each([this](const ConcreteInstruction& in) { instructions_.push_back(in); });
    SC_THREAD(run);
  }

 private:
  void access(tlm::tlm_command command, uint64_t offset, uint64_t* words, unsigned count, LocalTime& lt) {
    std::vector<uint8_t> bytes(count * 8u);
    if (command == tlm::TLM_WRITE_COMMAND)
      for (unsigned w = 0; w < count; ++w)
        for (int b = 0; b < 8; ++b) bytes[w * 8 + b] = static_cast<uint8_t>(words[w] >> (8 * b));
    tlm::tlm_generic_payload gp;
    gp.set_command(command);
    gp.set_address(offset);
    gp.set_data_ptr(bytes.data());
    gp.set_data_length(static_cast<unsigned>(bytes.size()));
    gp.set_streaming_width(static_cast<unsigned>(bytes.size()));
    gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_core::sc_time delay = lt.offset();
    socket->b_transport(gp, delay);
    lt.set_now(sc_core::sc_time_stamp() + delay);  // b_transport may have waited
    if (gp.is_response_error()) SC_REPORT_FATAL("acv/host", gp.get_response_string().c_str());
    if (command == tlm::TLM_READ_COMMAND)
      for (unsigned w = 0; w < count; ++w) {
        words[w] = 0;
        for (int b = 0; b < 8; ++b) words[w] |= static_cast<uint64_t>(bytes[w * 8 + b]) << (8 * b);
      }
  }
  uint64_t read(uint64_t offset, LocalTime& lt) {
    uint64_t v = 0;
    access(tlm::TLM_READ_COMMAND, offset, &v, 1, lt);
    return v;
  }
  void write(uint64_t offset, uint64_t value, LocalTime& lt) { access(tlm::TLM_WRITE_COMMAND, offset, &value, 1, lt); }

  void run() {
    LocalTime lt(mode_, Clock::default_clock());
    if (read(cmdreg::kId, lt) != cmdreg::kIdValue) SC_REPORT_FATAL("acv/host", "no command port at offset 0");
    uint64_t free_slots = 0;
    for (const ConcreteInstruction& in : instructions_) {
      while (free_slots == 0) {  // poll the queue's free slots rather than block on a full queue
        free_slots = (read(cmdreg::kStatus, lt) >> cmdreg::kStatusFreeShift) & 0xffff;
        ++report_.polls;
        if (free_slots == 0) {
          lt.sync();  // LT: a poll must not run ahead of the units it watches (temporal decoupling)
          lt.advance_cycles(8);
        }
      }
      uint64_t words[cmdreg::kNumFields + 1] = {};
      for (int i = 0; i < in.num_fields; ++i) words[i] = static_cast<uint64_t>(in.f[i]);
      words[cmdreg::kNumFields] = static_cast<uint32_t>(in.opcode) | (static_cast<uint64_t>(in.num_fields) << 32);
      access(tlm::TLM_WRITE_COMMAND, cmdreg::kField0, words, cmdreg::kNumFields + 1, lt);  // fields + push
      --free_slots;
    }
    write(cmdreg::kControl, cmdreg::kControlEnd, lt);
    uint64_t status = 0;
    while (!((status = read(cmdreg::kStatus, lt)) & cmdreg::kStatusDone)) {
      ++report_.polls;
      lt.sync();
      lt.advance_cycles(64);  // a real driver would sleep or wait for an interrupt
    }
    report_.ok = !(status & cmdreg::kStatusError);
    report_.cycles = static_cast<int64_t>(read(cmdreg::kCycles, lt));
    report_.retired = static_cast<int64_t>(read(cmdreg::kRetired, lt));
    if (verbose_)
      std::cout << "host: done at " << lt.now() << " (accelerator cycles " << report_.cycles << ", "
                << report_.retired << " instructions, " << report_.polls << " status polls)\n";
    lt.sync();
  }

  std::vector<ConcreteInstruction> instructions_;
  TlmMode mode_;
  bool verbose_;
  HostReport& report_;
};

void usage() {
  std::cout << "usage: acv_tlm_host --config FILE [--m M] [--n N] [--k K] [--mode lt|at] [--seed S] [--quiet]\n"
               "Runs one int8 GEMM C[M][N] = A[M][K] * B[K][N] on the TLM virtual prototype of the config's\n"
               "accelerator (systolic, gemmini, ...), driven over its command registers as host software\n"
               "would (see docs/tlm.md).\n"
               "Exit status: 0 result correct, 1 result wrong, 2 bad input.\n";
}

int run(int argc, char** argv) {
  std::string config_file;
  Layer layer;
  layer.name = "host_gemm";
  layer.kind = LayerKind::Gemm;
  layer.m = layer.n = layer.k = 16;
  std::string mode_text = "lt";
  uint64_t seed = 1;
  bool verbose = true;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw InputError(a + ": missing value");
      return argv[++i];
    };
    if (a == "--help" || a == "-h") {
      usage();
      return 0;
    } else if (a == "--config") config_file = value();
    else if (a == "--m") layer.m = std::stoll(value());
    else if (a == "--n") layer.n = std::stoll(value());
    else if (a == "--k") layer.k = std::stoll(value());
    else if (a == "--mode") mode_text = value();
    else if (a == "--seed") seed = std::stoull(value());
    else if (a == "--quiet") verbose = false;
    else throw InputError("unknown option '" + a + "' (see --help)");
  }
  if (config_file.empty()) throw InputError("--config is required (e.g. models/systolic/configs/systolic-4x4-os.yaml)");
  const TlmMode mode = parse_tlm_mode(mode_text);
  validate_layer(layer);
  const AccelConfig config = load_accel_config(config_file);
  const std::unique_ptr<Accelerator> accel = AcceleratorRegistry::create(config.accelerator);
  accel->check_config(config);
  const Program program = accel->map(layer, config);
  const LayerData data = make_layer_data(layer, seed);

  HostReport report;
  const SimulationOutput out = TlmRunnerRegistry::create(config.accelerator)
                                   ->run(program, config, accel->dram_image(layer, data, program), mode,
                                         [&](tlm::tlm_target_socket<>& command) {
                                           auto h = std::make_unique<HostSoftware>("host", program, mode, verbose, report);
                                           h->socket.bind(command);
                                           return std::unique_ptr<sc_core::sc_module>(std::move(h));
                                         });
  const bool match = accel->read_output(layer, program, out.dram) == golden_output(layer, data);
  // The CYCLES register the software read is the count the model reports.
  const bool ok = report.ok && report.cycles == out.cycles && report.retired == program.instruction_count();
  std::cout << "gemm " << layer.m << "x" << layer.n << "x" << layer.k << " on " << config.name << " (" << mode_text
            << "): " << out.cycles << " cycles, result " << (match && ok ? "PASS" : "FAIL") << "\n";
  return match && ok ? 0 : 1;
}

}  // namespace
}  // namespace acv

// Our own main() (as acv's): the model elaborates inside the runner; acv_tlm's sc_main stub is never called.
int main(int argc, char* argv[]) {
  try {
    return acv::run(argc, argv);
  } catch (const acv::InputError& e) {
    std::cerr << "acv_tlm_host: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "acv_tlm_host: " << e.what() << "\n";
    return 2;
  }
}
