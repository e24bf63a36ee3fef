// rtl_bench: simulated cycles per second of the systolic RTL per built array size, on one large
// GEMM mapped by the systolic mapper (median of several runs), with the output checked.
#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

#include "models/common/accel_config.h"
#include "models/common/accelerator.h"
#include "models/common/golden.h"
#include "rtl/common/rtl_driver.h"

namespace {

struct Options {
  std::vector<int> sizes = {4, 8, 16};
  int64_t m = 256, n = 256, k = 256;
  int runs = 3;
  std::string dataflow = "os";
  std::string config_dir = ACV_SYSTOLIC_CONFIG_DIR;
};

void usage() {
  std::printf(
      "usage: rtl_bench [--sizes 4,8,16] [--m 256] [--n 256] [--k 256] [--runs 3] [--dataflow os|ws]\n"
      "                 [--config-dir DIR]\n"
      "Runs an m x k x n int8 GEMM on the systolic RTL of each size (config DIR/systolic-NxN-<dataflow>.yaml)\n"
      "and prints simulated cycles, wall and CPU seconds (medians of --runs) and cycles per second.\n");
}

std::vector<int> parse_sizes(const std::string& text) {
  std::vector<int> out;
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t comma = text.find(',', pos);
    out.push_back(std::atoi(text.substr(pos, comma - pos).c_str()));
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return out;
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw acv::InputError("rtl_bench: " + a + " needs a value");
      return argv[++i];
    };
    if (a == "--help" || a == "-h") {
      usage();
      std::exit(0);
    } else if (a == "--sizes") {
      o.sizes = parse_sizes(value());
    } else if (a == "--m") {
      o.m = std::atoll(value().c_str());
    } else if (a == "--n") {
      o.n = std::atoll(value().c_str());
    } else if (a == "--k") {
      o.k = std::atoll(value().c_str());
    } else if (a == "--runs") {
      o.runs = std::max(1, std::atoi(value().c_str()));
    } else if (a == "--dataflow") {
      o.dataflow = value();
    } else if (a == "--config-dir") {
      o.config_dir = value();
    } else {
      throw acv::InputError("rtl_bench: unknown option '" + a + "' (see --help)");
    }
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options o = parse(argc, argv);
    acv::Layer layer;
    layer.name = "gemm" + std::to_string(o.m) + "x" + std::to_string(o.k) + "x" + std::to_string(o.n);
    layer.kind = acv::LayerKind::Gemm;
    layer.m = o.m;
    layer.n = o.n;
    layer.k = o.k;
    acv::validate_layer(layer);
    const auto accel = acv::AcceleratorRegistry::create("systolic");
    const auto driver = acv::RtlDriverRegistry::create("systolic");
    const acv::LayerData data = acv::make_layer_data(layer, 1);
    const std::vector<int32_t> golden = acv::golden_output(layer, data);

    std::printf("%-6s %-4s %12s %10s %14s %10s %16s %s\n", "size", "df", "cycles", "wall_s", "cycles_per_s", "cpu_s",
                "cycles_per_cpu_s", "output");
    bool all_ok = true;
    for (const int size : o.sizes) {
      const std::string name = "systolic-" + std::to_string(size) + "x" + std::to_string(size) + "-" + o.dataflow;
      const acv::AccelConfig config = acv::load_accel_config(o.config_dir + "/" + name + ".yaml");
      const acv::Program program = accel->map(layer, config);
      const std::vector<uint8_t> image = accel->dram_image(layer, data, program);
      // Wall and process CPU time per run: on a shared machine the CPU time is the stable figure.
      std::vector<double> walls, cpus;
      acv::SimulationOutput out;
      for (int r = 0; r < o.runs; ++r) {
        const auto t0 = std::chrono::steady_clock::now();
        const std::clock_t c0 = std::clock();
        out = driver->run(program, config, image, acv::RtlRunOptions{});
        cpus.push_back(static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC);
        walls.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
      }
      std::sort(walls.begin(), walls.end());
      std::sort(cpus.begin(), cpus.end());
      const double wall = walls[walls.size() / 2];
      const double cpu = cpus[cpus.size() / 2];
      const bool ok = accel->read_output(layer, program, out.dram) == golden;
      all_ok = all_ok && ok;
      std::printf("%-6s %-4s %12lld %10.3f %14.0f %10.3f %16.0f %s\n",
                  (std::to_string(size) + "x" + std::to_string(size)).c_str(), o.dataflow.c_str(),
                  static_cast<long long>(out.cycles), wall, static_cast<double>(out.cycles) / wall, cpu,
                  static_cast<double>(out.cycles) / cpu, ok ? "ok" : "MISMATCH");
      std::fflush(stdout);
    }
    return all_ok ? 0 : 1;
  } catch (const acv::InputError& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}
