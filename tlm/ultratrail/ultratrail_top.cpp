// The UltraTrail-like virtual prototype: commands one at a time, DMA transfers, layers run by the golden reference and timed as the RTL.
#include "ultratrail_top.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "models/common/error.h"
#include "models/common/golden_quantized.h"

namespace acv::ultratrail {

namespace {
int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }
}  // namespace

UltraTrailTop::UltraTrailTop(sc_core::sc_module_name name, const Params& params, const DramConfig& dram_config,
                             TlmMode mode, std::vector<uint8_t> dram, const Clock& clock)
    : sc_core::sc_module(name),
      m_params(params),
      m_mode(mode),
      m_clock(clock),
      m_command("command", 2, mode, clock),
      m_memory("memory", std::move(dram), dram_config, mode, clock),
      m_dma("dma", clock),
      m_wmem(static_cast<std::size_t>(params.wmem_words * params.wmem_word_bytes())),
      m_bmem(static_cast<std::size_t>(params.bmem_words * params.bmem_word_bytes())),
      m_layers(static_cast<std::size_t>(params.max_layers)) {
  for (auto& f : m_fmem) f = LazyMemory(static_cast<std::size_t>(params.fmem_words * params.fmem_word_bytes()));
  m_dma.socket.bind(m_memory.socket);
  // The store's writes are posted: the run is done when the last one is acknowledged.
  m_dma.on_write_acknowledged([this](const sc_core::sc_time& at) { m_command.end_activity(at); });
  for (const char* c : {"load.busy", "store.busy", "mac.busy", "mac.stall.setup", "mac.stall.drain", "opu.writes"})
    m_counters[c] = 0;
  SC_THREAD(run);
}

LazyMemory& UltraTrailTop::memory_of(int64_t mem) {
  if (mem >= kFmem0 && mem <= kFmem2) return m_fmem[static_cast<std::size_t>(mem)];
  if (mem == kWmem) return m_wmem;
  if (mem == kBmem) return m_bmem;
  throw BackendError("ultratrail TLM: no memory " + std::to_string(mem));
}

int64_t UltraTrailTop::word_bytes(int64_t mem) const {
  return mem == kWmem ? m_params.wmem_word_bytes() : mem == kBmem ? m_params.bmem_word_bytes() : m_params.fmem_word_bytes();
}

// Commands one at a time, as the RTL's top takes them: each retires at the cycle the top takes
// the next one.
void UltraTrailTop::run() {
  LocalTime lt(m_mode, m_clock);
  for (;;) {
    const ConcreteInstruction in = m_command.next(lt);
    switch (in.opcode) {
      case kLoad:
      case kStore:
        transfer(in, in.opcode == kStore, lt);
        break;
      case kCfgShape:
      case kCfgRoute: {
        const int64_t l = in.f[kShLayer];
        if (l < 0 || l >= m_params.max_layers)
          throw BackendError("ultratrail TLM: configuration of layer " + std::to_string(l));
        LayerRegisters& r = m_layers[static_cast<std::size_t>(l)];
        if (in.opcode == kCfgShape) {
          r.in_c = in.f[kShInC], r.out_c = in.f[kShOutC], r.in_len = in.f[kShInLen], r.kernel = in.f[kShKernel];
          r.stride = in.f[kShStride], r.pad = in.f[kShPad], r.pool = in.f[kShPool];
        } else {
          r.src = in.f[kRtSrc], r.dst = in.f[kRtDst], r.res = in.f[kRtRes], r.w_base = in.f[kRtWBase];
          r.b_base = in.f[kRtBBase], r.relu = in.f[kRtRelu], r.shift = in.f[kRtShift];
        }
        lt.advance_cycles(1);
        break;
      }
      case kStart:
        lt.advance_cycles(1);  // the accept cycle; the controller starts the next one
        run_network(in.f[kStLayers], lt);
        break;
      default:
        throw BackendError("ultratrail TLM: opcode " + std::to_string(in.opcode) +
                           " is not a host command (setup, mac and opu are the controller's own)");
    }
    m_command.retire(lt.now());
  }
}

// One request per word: a load's first request the cycle after the accept, then as the port
// takes them, done the cycle after the last response; a store reads a word, requests its write
// the cycle after, and reads the next once the request is accepted (one request per 2 cycles).
void UltraTrailTop::transfer(const ConcreteInstruction& in, bool store, LocalTime& lt) {
  const int64_t mem = in.f[kLdMem], addr = in.f[kLdAddr], dram_addr = in.f[kLdDramAddr], words = in.f[kLdWords];
  LazyMemory& local = memory_of(mem);
  const int64_t wb = word_bytes(mem);
  if (addr < 0 || words < 0 || (addr + words) * wb > static_cast<int64_t>(local.capacity()) || dram_addr < 0 ||
      (store && mem > kFmem2))
    throw BackendError("ultratrail TLM: " + std::string(store ? "store" : "load") + " of words " +
                       std::to_string(addr) + "+" + std::to_string(words) + " in memory " + std::to_string(mem));
  const sc_core::sc_time start = lt.now();
  if (words == 0) {
    lt.advance_cycles(1);
  } else {
    DmaBurst burst;
    burst.address = static_cast<uint64_t>(dram_addr);
    burst.stride = static_cast<uint64_t>(wb);
    // A store of words never written sends zeros, as the RTL's.
    burst.data = local.span(static_cast<std::size_t>(addr * wb), static_cast<std::size_t>(words * wb));
    burst.pitch = static_cast<uint64_t>(wb);
    burst.bytes = static_cast<uint32_t>(wb);
    burst.count = static_cast<uint32_t>(words);
    if (store) {
      burst.gap = 2;
      lt.advance_cycles(2);
      m_command.begin_activity(words);  // not done before every write is acknowledged
      m_dma.write(burst, lt);           // posted: returns the cycle after the last accept
      lt.advance_cycles(1);             // the top sees the last request accepted
    } else {
      lt.advance_cycles(1);
      m_dma.read(burst, lt);  // returns the cycle after the last response
    }
  }
  m_counters[store ? "store.busy" : "load.busy"] += m_clock.to_cycles(lt.now()) - m_clock.to_cycles(start);
}

void UltraTrailTop::run_network(int64_t layers, LocalTime& lt) {
  if (layers < 1 || layers > m_params.max_layers)
    throw BackendError("ultratrail TLM: start of " + std::to_string(layers) + " layers");
  const int64_t s = m_params.size;
  for (int64_t l = 0; l < layers; ++l) {
    const LayerRegisters& r = m_layers[static_cast<std::size_t>(l)];
    run_layer(l);
    const int64_t conv_len = (r.in_len + 2 * r.pad - r.kernel) / r.stride + 1;
    const int64_t positions = conv_len / r.pool * r.pool;
    const int64_t steps = ceil_div(r.out_c, s) * positions * ceil_div(r.in_c, s) * r.kernel;
    // A setup cycle, one cycle per MAC step, two drain cycles (models/ultratrail/README.md).
    lt.advance_cycles(1 + steps + 2);
    m_counters["layer." + std::to_string(l) + ".cycles"] = 1 + steps + 2;
    m_counters["mac.busy"] += steps;
    m_counters["mac.stall.setup"] += 1;
    m_counters["mac.stall.drain"] += 2;
    m_counters["opu.writes"] += ceil_div(r.out_c, s) * (conv_len / r.pool);
  }
}

// The layer's function on the memories' words (layouts of models/ultratrail/README.md), computed
// by the golden reference of quantized 1-D convolutions.
void UltraTrailTop::run_layer(int64_t index) {
  const LayerRegisters& r = m_layers[static_cast<std::size_t>(index)];
  const int64_t s = m_params.size;
  QuantizedConv1d op;
  op.in_c = r.in_c, op.out_c = r.out_c, op.in_len = r.in_len, op.kernel = r.kernel, op.stride = r.stride;
  op.pad = r.pad, op.pool = r.pool, op.shift = static_cast<int>(r.shift), op.relu = r.relu != 0;
  op.residual = r.res != kNoResidual;
  const int64_t conv_len = op.in_len >= 1 && op.stride >= 1 ? op.conv_len() : 0;
  auto is_fmem = [](int64_t f) { return f >= kFmem0 && f <= kFmem2; };
  if (!is_fmem(r.src) || !is_fmem(r.dst) || r.src == r.dst ||
      (op.residual && (!is_fmem(r.res) || r.res == r.src || r.res == r.dst)) || op.pool < 1 || op.shift < 1 ||
      conv_len < 1 || op.out_len() < 1)
    throw BackendError("ultratrail TLM: layer " + std::to_string(index) + " is misconfigured");
  const int64_t ib = ceil_div(op.in_c, s), ob = ceil_div(op.out_c, s), k = op.kernel;
  auto fmem = [&](int64_t f) -> LazyMemory& { return m_fmem[static_cast<std::size_t>(f)]; };
  // Byte of channel c at time t in a tensor of length len, and the bytes of its whole words.
  auto byte_of = [s](int64_t c, int64_t t, int64_t len) {
    return static_cast<std::size_t>(((c / s) * len + t) * s + c % s);
  };
  auto tensor_bytes = [s](int64_t channels, int64_t len) { return ceil_div(channels, s) * len * s; };
  auto check_fmem = [&](int64_t f, int64_t channels, int64_t len) {
    if (!fmem(f).holds(0, tensor_bytes(channels, len)))
      throw BackendError("ultratrail TLM: layer " + std::to_string(index) + " leaves FMEM" + std::to_string(f));
  };
  check_fmem(r.src, op.in_c, op.in_len);
  std::vector<int8_t> input(static_cast<std::size_t>(op.in_c * op.in_len));
  for (int64_t c = 0; c < op.in_c; ++c)
    for (int64_t t = 0; t < op.in_len; ++t)
      input[static_cast<std::size_t>(c * op.in_len + t)] =
          static_cast<int8_t>(fmem(r.src).read(byte_of(c, t, op.in_len)));
  if (!m_wmem.holds(0, (r.w_base + ob * ib * k) * s * s) || !m_bmem.holds(0, (r.b_base + ob) * 4 * s) ||
      r.w_base < 0 || r.b_base < 0)
    throw BackendError("ultratrail TLM: layer " + std::to_string(index) + " leaves WMEM or BMEM");
  std::vector<int8_t> weights(static_cast<std::size_t>(op.out_c * op.in_c * k));
  for (int64_t oc = 0; oc < op.out_c; ++oc)
    for (int64_t ic = 0; ic < op.in_c; ++ic)
      for (int64_t t = 0; t < k; ++t) {
        const int64_t word = r.w_base + ((oc / s) * ib + ic / s) * k + t;
        weights[static_cast<std::size_t>((oc * op.in_c + ic) * k + t)] =
            static_cast<int8_t>(m_wmem.read(static_cast<std::size_t>(word * s * s + (oc % s) * s + ic % s)));
      }
  std::vector<int32_t> bias(static_cast<std::size_t>(op.out_c));
  for (int64_t oc = 0; oc < op.out_c; ++oc) {
    uint32_t v = 0;
    const std::size_t at = static_cast<std::size_t>((r.b_base + oc / s) * 4 * s + 4 * (oc % s));
    for (std::size_t byte = 0; byte < 4; ++byte) v |= static_cast<uint32_t>(m_bmem.read(at + byte)) << (8 * byte);
    bias[static_cast<std::size_t>(oc)] = static_cast<int32_t>(v);
  }
  std::vector<int8_t> residual;
  if (op.residual) {
    check_fmem(r.res, op.out_c, conv_len);
    residual.resize(static_cast<std::size_t>(op.out_c * conv_len));
    for (int64_t c = 0; c < op.out_c; ++c)
      for (int64_t t = 0; t < conv_len; ++t)
        residual[static_cast<std::size_t>(c * conv_len + t)] =
            static_cast<int8_t>(fmem(r.res).read(byte_of(c, t, conv_len)));
  }
  const std::vector<int8_t> out = golden_quantized_conv1d(op, input, weights, bias, residual);
  const int64_t out_len = op.out_len();
  check_fmem(r.dst, op.out_c, out_len);
  uint8_t* dst = fmem(r.dst).span(0, static_cast<std::size_t>(tensor_bytes(op.out_c, out_len)));
  for (int64_t c = 0; c < op.out_c; ++c)
    for (int64_t t = 0; t < out_len; ++t)
      dst[byte_of(c, t, out_len)] = static_cast<uint8_t>(out[static_cast<std::size_t>(c * out_len + t)]);
}

}  // namespace acv::ultratrail
