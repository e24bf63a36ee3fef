// ArchDescription: an accelerator's architecture description (YAML) parsed into immutable specs.
// The format is documented in docs/arch-description.md; nothing here names an accelerator.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "estimator/expression.h"
#include "models/common/error.h"

namespace acv {

// Values the evaluator computes while an instruction runs, readable in its expressions.
enum SpecialVar : int { kMemDone = 0, kMemIssued, kNumSpecials };

// A pipeline object an instruction can occupy.
//   stage: in-order, holds an instruction for `latency` and accepts the next after `ii`
//          (and not before the next object accepted the previous one: backpressure);
//   queue: FIFO of `capacity` between a producer and the unit it feeds;
//   unit:  `instances` identical functional units, in-order or not, pipelined (`ii`) or not.
enum class ObjectKind { Stage, Queue, Unit };

struct PipelineObjectSpec {
  std::string name;
  ObjectKind kind = ObjectKind::Unit;
  int from = -1;            // feeding object, -1 = fed directly by program order
  Expression latency;       // stage / queue: cycles to pass; unit: default instruction latency
  Expression ii;            // cycles until the next instruction may start; empty = latency (not pipelined)
  Expression capacity;      // queue
  Expression instances;     // unit
  bool in_order = true;
  bool release_at_end = false;  // queue: the entry frees when the unit finishes (else when it starts)
  Expression release_delay;     // queue: cycles after that until a producer sees the slot free
  SourceLoc loc;
};

// On-chip storage: `locations` addressable entries (0 = unbounded, e.g. indexed by address),
// `banks` (entry i in bank i % banks) with `read_ports` / `write_ports` each,
// `latency` from a write's end until a read may start, and the hazards the hardware enforces.
struct StorageSpec {
  std::string name;
  Expression locations;
  Expression latency;
  Expression banks;
  Expression read_ports;
  Expression write_ports;
  Expression width;  // bytes per entry (informational, and for roofline of on-chip traffic)
  bool raw = true, war = true, waw = true;
  SourceLoc loc;
};

// External memory interface: a request of b bytes accepted at t completes at
// max(t + latency, completion of the request accepted before it) + ceil(b / bytes_per_cycle); at most
// max_outstanding in flight; the port accepts `ports` requests per cycle, in time order; a unit issues
// one request per `request_interval` cycles.
struct MemorySpec {
  std::string name;
  Expression latency;
  Expression bytes_per_cycle;
  Expression max_outstanding;
  Expression request_interval;
  Expression ports;          // requests the interface accepts per cycle
  Expression release_delay;  // cycles after a completion until its slot counts as free
  // Later instructions searched for requests that run before an earlier one's (0: program order).
  // Time order costs a re-evaluation per shared-port instruction, so a description opts in.
  Expression lookahead;
  // Units whose requests win a cycle over other units' whatever the program order, first listed
  // first (e.g. a store unit the port arbiter always serves before the load unit); unlisted units
  // come after them, in program order.
  std::vector<int> priority;
  SourceLoc loc;
};

// One access of an instruction step to storage: locations index .. index+count-1, when `when` != 0;
// `cycles` > 0 reserves a port of the location's bank for that many cycles.
// A write with `at_free` takes effect when the step's unit instance became free for it (the end of
// the previous occupancy) instead of at the step's end.
struct AccessSpec {
  int storage = -1;
  Expression index;
  Expression count;
  Expression when;
  Expression cycles;
  bool at_free = false;
  SourceLoc loc;
};

// A step's traffic to external memory: `requests` requests of `bytes` bytes each.
struct MemoryAccessSpec {
  int memory = -1;
  Expression requests;
  Expression bytes;
  Expression start;  // cycles after the step's start until the first request
  Expression interval;  // cycles between this step's requests; empty = the interface's request_interval
  SourceLoc loc;
};

// One step of an instruction: it travels from the previous step's unit (or the program order)
// through the feeding stages/queues to `unit`, occupies it for `ii` (default: the unit's) and
// finishes after `latency` (default: the unit's), reading and writing storage at its start.
struct StepSpec {
  int unit = -1;
  std::vector<int> path;  // objects passed before `unit`, in order
  Expression when;
  Expression latency;
  Expression ii;
  // `hold`: a unit whose instances are a pool (e.g. dependency records): the step waits for a free
  // instance and keeps it until the instruction's last step ends (-1: none).
  int hold = -1;
  std::vector<AccessSpec> reads, writes;
  bool has_memory = false;
  MemoryAccessSpec memory;
  SourceLoc loc;
};

// A carried field (a decoder register): `field` of the latest earlier instruction of class `source` in
// program order (0 before the first one), readable as `name` in the carrying class's step expressions.
struct CarriedFieldSpec {
  std::string name, source, field;
  SourceLoc loc;
};

// An instruction class: an ISA opcode by name, its fields (names matched to the Program's ISA)
// and its steps; `macs` counts multiply-accumulates for the roofline and regression baselines.
// Expressions see field i as VarKind::Field i and carried field j as VarKind::Field fields.size() + j.
struct InstructionClassSpec {
  std::string name;
  std::vector<std::string> fields;
  std::vector<CarriedFieldSpec> carried;
  std::vector<StepSpec> steps;
  Expression macs;
  SourceLoc loc;
};

struct ParamSpec {
  std::string name;
  Expression value;  // of config parameters and earlier params
  SourceLoc loc;     // of the entry (its line is where `acv calibrate` writes a fitted value)
};

// A parameter the description's author does not know (`unknowns:`): the values `acv calibrate`
// may give it, a range or a discrete set. The estimator itself uses the param's expression.
struct UnknownSpec {
  std::string name;
  int param = -1;                // index into ArchDescription::params
  int64_t min = 0, max = 0;      // the range, when `values` is empty
  std::vector<int64_t> values;   // a discrete set, ascending, without repeats
  SourceLoc loc;
};

struct ArchDescription {
  std::string file;
  std::string name;
  std::vector<ParamSpec> params;
  std::vector<UnknownSpec> unknowns;
  std::vector<std::string> config_refs;  // config parameters the params read (VarKind::Config)
  std::vector<SourceLoc> config_ref_locs;
  std::vector<PipelineObjectSpec> objects;
  std::vector<StorageSpec> storages;
  std::vector<MemorySpec> memories;
  std::vector<InstructionClassSpec> classes;
  Expression peak_macs_per_cycle;  // roofline: MACs per cycle at peak; empty = not given

  int find_class(const std::string& opcode) const;  // -1 when absent
  int find_param(const std::string& name) const;    // -1 when absent
  const UnknownSpec* find_unknown(const std::string& name) const;  // null when absent
};

// A copy of `desc` whose params at the given indices are the given constants (what `acv calibrate`
// evaluates each candidate with). Contract: indices must be valid params indices.
std::shared_ptr<const ArchDescription> with_param_values(const ArchDescription& desc,
                                                         const std::vector<std::pair<int, int64_t>>& values);

// Contract: throws InputError("file:line: key: reason") for anything wrong: YAML syntax, unknown
// keys, unknown unit / storage / memory names, instructions without a unit, cyclic pipelines,
// expressions naming unknown parameters or fields, constant zero bandwidths or capacities.
std::shared_ptr<const ArchDescription> parse_arch_description(const std::string& text, const std::string& file);
std::shared_ptr<const ArchDescription> load_arch_description(const std::string& file);
// Parsed once per path and process (thread-safe).
std::shared_ptr<const ArchDescription> cached_arch_description(const std::string& file);

}  // namespace acv
