// Aligning RTL command acceptances and ends with the estimator's schedule and following what timed the first
// difference back through the instructions its reasons name.
#include "validation/harness/divergence.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <sstream>
#include <stdexcept>

namespace acv {

namespace {

// The first "#<number>" in a reason, or -1.
int64_t named_instruction(const std::string& why) {
  for (std::size_t i = 0; i + 1 < why.size(); ++i)
    if (why[i] == '#' && std::isdigit(static_cast<unsigned char>(why[i + 1]))) return std::stoll(why.substr(i + 1));
  return -1;
}

// The first 'quoted' name in a reason, or "".
std::string quoted(const std::string& why) {
  const auto a = why.find('\'');
  if (a == std::string::npos) return "";
  const auto b = why.find('\'', a + 1);
  return b == std::string::npos ? "" : why.substr(a + 1, b - a - 1);
}

// "backpressure: #4 waited for 'q' (REASON)" -> REASON: what held the instruction it waited behind.
std::string unwrap(std::string why) {
  while (why.rfind("backpressure:", 0) == 0) {
    const auto open = why.find(" (");
    if (open == std::string::npos || why.back() != ')') break;
    why = why.substr(open + 2, why.size() - open - 3);
  }
  return why;
}

// The description entries a reason or an end names: "kind 'name' (file:line)", "latency `e` (file:line)".
void add_entries(const std::string& text, std::vector<std::string>* out) {
  auto add = [&](const std::string& e) {
    if (!e.empty() && std::find(out->begin(), out->end(), e) == out->end()) out->push_back(e);
  };
  // A "(file:line)" right at `from` (the entry's location follows its name), else "".
  auto loc_after = [&](std::size_t from) -> std::string {
    if (text.compare(from, 2, " (") != 0) return "";
    const auto close = text.find(')', from);
    if (close == std::string::npos) return "";
    const std::string inside = text.substr(from + 2, close - from - 2);
    const auto colon = inside.rfind(':');
    if (colon == std::string::npos || colon + 1 >= inside.size() ||
        !std::isdigit(static_cast<unsigned char>(inside[colon + 1])))
      return "";
    return " (" + inside + ")";
  };
  for (const char* kind : {"stage '", "queue '", "unit '", "storage '", "memory '"}) {
    for (std::size_t at = text.find(kind); at != std::string::npos; at = text.find(kind, at + 1)) {
      const auto end = text.find('\'', at + std::string(kind).size());
      if (end == std::string::npos) break;
      add(text.substr(at, end + 1 - at) + loc_after(end + 1));
    }
  }
  const auto lat = text.find("latency `");
  if (lat != std::string::npos) {
    const auto tick = text.find('`', lat + 9);
    if (tick != std::string::npos) {
      const auto eq = text.find(" (", tick);  // after " = value"
      add(text.substr(lat, tick + 1 - lat) + (eq == std::string::npos ? "" : loc_after(eq)));
    }
  }
}

std::string describe(const ScheduledInstruction& in) {
  std::ostringstream o;
  o << "#" << in.number << " " << in.opcode;
  for (const auto& s : in.spans) {
    o << "\n      on '" << s.object << "' [" << s.start << ", " << s.end << "): started: " << s.timed_by;
    if (!s.ended_by.empty()) o << "; ended: " << s.ended_by;
  }
  return o.str();
}

// The span whose end is the instruction's end (the last such).
const ScheduleSpan* last_span(const ScheduledInstruction& in) {
  const ScheduleSpan* best = nullptr;
  for (const auto& s : in.spans)
    if (!best || s.end >= best->end) best = &s;
  return best;
}

// A memory step's end depends on the requests of other units on the same interface, which the
// schedule does not attribute request by request: the steps of other instructions on that memory
// overlapping it in time, and what started them (one instruction back), are listed instead.
void shared_port(const EstimatorSchedule& est, int64_t j, const ScheduleSpan& step, Divergence::Hop* hop,
                 std::vector<std::string>* entries) {
  const auto at = step.ended_by.find("memory '");
  if (at == std::string::npos) return;
  const std::string mem = step.ended_by.substr(at, step.ended_by.find('\'', at + 8) + 1 - at);
  constexpr int64_t kNear = 64;  // instructions either side looked at
  for (int64_t k = j - kNear; k <= j + kNear; ++k) {
    const ScheduledInstruction* other = k == j ? nullptr : est.find(k);
    if (!other) continue;
    for (const auto& s : other->spans) {
      if (s.object == step.object || s.ended_by.find(mem) == std::string::npos || s.start >= step.end ||
          s.end <= step.start)
        continue;
      const std::string why = unwrap(s.timed_by);
      hop->sharing.push_back("#" + std::to_string(k) + " " + other->opcode + " on '" + s.object + "' [" +
                             std::to_string(s.start) + ", " + std::to_string(s.end) + ") shared " + mem + ", started: " + why);
      add_entries(s.ended_by, entries);
      add_entries(why, entries);
      const int64_t src = named_instruction(why);
      if (const ScheduledInstruction* before = src >= 0 ? est.find(src) : nullptr)
        if (const ScheduleSpan* e = last_span(*before)) add_entries(e->ended_by, entries);
    }
  }
}

const ScheduleSpan* span_on(const ScheduledInstruction& in, const std::string& object) {
  for (const auto& s : in.spans)
    if (s.object == object) return &s;
  return nullptr;
}


}  // namespace

const ScheduledInstruction* EstimatorSchedule::find(int64_t number) const {
  if (detail.empty()) return nullptr;
  const int64_t k = number - detail.front().number;
  return k >= 0 && k < static_cast<int64_t>(detail.size()) ? &detail[static_cast<std::size_t>(k)] : nullptr;
}

std::vector<int64_t> command_ends(const RtlEvents& rtl, std::vector<int64_t> ends) {
  int64_t later = -1;  // the latest end of the steps without events after the current instruction
  for (std::size_t i = std::min(ends.size(), rtl.accepted.size()); i-- > 0;) {
    if (rtl.accepted[i] >= 0) {
      ends[i] = std::max(ends[i], later);
      later = -1;
    } else {
      later = std::max(later, ends[i]);
    }
  }
  return ends;
}

Divergence first_divergence(const RtlEvents& rtl, const EstimatorSchedule& est, int64_t tolerance) {
  const std::size_t n = est.issues.size();
  if (rtl.accepted.size() != n || rtl.ended.size() != n || est.ends.size() != n)
    throw std::invalid_argument("acv diff: the RTL recorded " + std::to_string(rtl.accepted.size()) + " starts and " +
                                std::to_string(rtl.ended.size()) + " ends, the estimator " + std::to_string(n) +
                                " issues and " + std::to_string(est.ends.size()) + " ends");
  Divergence d;
  int64_t first = 0;  // the earlier side's cycle of the divergence found so far
  auto consider = [&](std::size_t i, bool end, int64_t r, int64_t e) {
    if (r < 0 || (e > r ? e - r : r - e) <= tolerance) return;
    const int64_t at = std::min(r, e);
    if (d.found && at >= first) return;  // ties: the one met first in program order, start before end
    d.found = true;
    d.ended = end;
    d.instruction = static_cast<int64_t>(i);
    d.rtl = r;
    d.est = e;
    first = at;
  };
  for (std::size_t i = 0; i < n; ++i) {
    consider(i, false, rtl.accepted[i], est.issues[i]);
    consider(i, true, rtl.ended[i], est.ends[i]);
  }
  if (d.found) return d;
  if ((est.cycles > rtl.cycles ? est.cycles - rtl.cycles : rtl.cycles - est.cycles) > tolerance && n > 0) {
    d.found = d.at_end = true;
    d.rtl = rtl.cycles;
    d.est = est.cycles;
  }
  return d;
}

void explain_divergence(const EstimatorSchedule& est, Divergence* dp) {
  Divergence& d = *dp;
  if (!d.found) return;
  std::string why, object;
  int64_t at = d.instruction;
  if (!d.at_end && !d.ended) {
    const ScheduledInstruction* in = est.find(at);
    if (!in) return;
    why = in->issue_timed_by;
    object = in->spans.empty() ? "" : in->spans.front().object;
  } else {
    // An end differs: its last step's latency (or memory) ended it, after what started that step.
    // The run's end: the estimator's last instruction to end timed it.
    const ScheduledInstruction* last = nullptr;
    if (d.ended) last = est.find(at);
    else
      for (const auto& in : est.detail)
        if (!last || in.end >= last->end) last = &in;
    if (!last) return;
    at = d.instruction = last->number;
    const ScheduleSpan* s = last_span(*last);
    if (!s) return;
    d.path.push_back(Divergence::Hop{at, last->opcode, s->object, d.ended ? "its end" : "the run's end", s->ended_by, {}, {}});
    add_entries(s->ended_by, &d.entries);
    why = s->timed_by;
    object = s->object;
  }
  // The critical path: what decided each time, back through the instructions and objects it names.
  std::set<std::pair<int64_t, std::string>> seen;
  std::vector<std::string> near;  // entries of constraints with less slack than an early estimate's gap
  std::vector<std::string> shared;  // entries that timed other units' requests on a shared memory port
  for (std::size_t hops = 0; hops < 4 * est.detail.size() + 16; ++hops) {
    why = unwrap(why);
    const ScheduledInstruction* inp = est.find(at);
    if (!inp) {
      d.path.push_back(Divergence::Hop{at, "?", object, "(before the instructions recorded in detail)", "", {}, {}});
      break;
    }
    const ScheduledInstruction& in = *inp;
    d.path.push_back(Divergence::Hop{at, in.opcode, object, why, "", {}, {}});
    add_entries(why, &d.entries);
    // The estimator early: a constraint it saw with less slack than the gap may be what held the RTL.
    if (const ScheduleSpan* here = span_on(in, object)) {
      if (d.est < d.rtl)
        for (const auto& c : here->constraints) {
          const int64_t slack = here->start - c.first;
          if (slack > 0 && slack <= d.rtl - d.est && c.second != why && c.second != "nothing before it" &&
              c.second.find("no recorded instruction") == std::string::npos && c.second.rfind("(set before", 0) != 0) {
            d.path.back().slack.push_back("slack " + std::to_string(slack) + ": " + unwrap(c.second));
            add_entries(unwrap(c.second), &near);
          }
        }
    }
    const int64_t j = named_instruction(why);
    const std::string name = quoted(why);
    const ScheduleSpan* next = nullptr;
    const ScheduledInstruction* srcp = j >= 0 ? est.find(j) : nullptr;
    if (j >= 0 && !srcp) {
      d.path.push_back(Divergence::Hop{j, "?", name, "(before the instructions recorded in detail)", "", {}, {}});
      break;
    }
    if (srcp) {
      // Its time came from #j's time on that object (occupancy, end, a write): why #j started there.
      const ScheduledInstruction& src = *srcp;
      const bool queue = why.rfind("queue '", 0) == 0;
      next = queue ? nullptr : span_on(src, name);
      if (queue && why.find("at its start") != std::string::npos) {
        for (std::size_t k = 0; k + 1 < src.spans.size(); ++k)  // popped when the unit behind it started
          if (src.spans[k].object == name) next = &src.spans[k + 1];
      }
      if (!next) next = last_span(src);  // its end (a queue freed at the end, a write)
      at = j;
      if (next) {
        d.path.back().ended_by = "#" + std::to_string(j) + " on '" + next->object + "' [" + std::to_string(next->start) +
                                 ", " + std::to_string(next->end) + "), ended: " + next->ended_by;
        add_entries(next->ended_by, &d.entries);
        shared_port(est, j, *next, &d.path.back(), &shared);
      }
    } else if (why.rfind("passed stage", 0) == 0 || why.rfind("entered queue", 0) == 0 ||
               why.rfind("its previous step", 0) == 0) {
      next = span_on(in, name);  // the same instruction, one object earlier
      if (next && why.rfind("its previous step", 0) == 0) {
        d.path.back().ended_by = "its step on '" + next->object + "' [" + std::to_string(next->start) + ", " +
                                 std::to_string(next->end) + "), ended: " + next->ended_by;
        add_entries(next->ended_by, &d.entries);
      }
    }
    if (!next || !seen.insert({at, next->object + "@" + std::to_string(next->start)}).second) break;
    why = next->timed_by;
    object = next->object;
  }
  for (const auto& e : near)
    if (std::find(d.entries.begin(), d.entries.end(), e) == d.entries.end()) d.entries.push_back(e + " (not binding: less slack than the gap)");
  for (const auto& e : shared)
    if (std::find(d.entries.begin(), d.entries.end(), e) == d.entries.end()) d.entries.push_back(e + " (timed requests sharing the memory port)");
}

std::string divergence_report(const RtlEvents& rtl, const EstimatorSchedule& est, const Divergence& d,
                              int64_t tolerance, int context) {
  std::ostringstream o;
  int64_t commands = 0;
  for (int64_t a : rtl.accepted) commands += a >= 0 ? 1 : 0;
  o << "RTL: " << commands << " commands, " << rtl.cycles << " cycles; estimator (full): " << est.issues.size()
    << " instructions, " << est.cycles << " cycles; tolerance " << tolerance << " cycles\n";
  if (!d.found) {
    o << "no divergence: every command is accepted when the estimator issues it and ends when the estimator ends it,\n"
         "and the runs end together\n";
    return o.str();
  }
  const ScheduledInstruction* at = est.find(d.instruction);
  const std::string opcode = at ? at->opcode : "?";
  const std::string gap = std::string(d.est - d.rtl > 0 ? "+" : "") + std::to_string(d.est - d.rtl);
  if (d.at_end)
    o << "every command is accepted and ends when the estimator says; the run's end differs: RTL " << d.rtl
      << ", estimator " << d.est << " (" << gap << "). The estimator's last instruction to end: #" << d.instruction
      << " " << opcode << "\n";
  else if (d.ended)
    o << "first divergence: instruction #" << d.instruction << " " << opcode << ": ends in the RTL at " << d.rtl
      << ", in the estimator at " << d.est << " (" << gap << ")\n";
  else
    o << "first divergence: instruction #" << d.instruction << " " << opcode << ": accepted by the RTL at " << d.rtl
      << ", issued by the estimator at " << d.est << " (" << gap << ")\n";
  // The context: the instructions before it in program order (a '-' marks a step without RTL events).
  const int64_t from = std::max<int64_t>(0, d.instruction - context);
  o << "\n  instr  opcode               RTL accepted  est. issue   RTL end  est. end  diff start  diff end\n";
  auto cell = [](int64_t v) { return v < 0 ? std::string("-") : std::to_string(v); };
  auto delta = [](int64_t r, int64_t e) {
    return r < 0 ? std::string("-") : (e - r >= 0 ? "+" : "") + std::to_string(e - r);
  };
  for (int64_t k = from; k <= d.instruction && k < static_cast<int64_t>(est.issues.size()); ++k) {
    const ScheduledInstruction* in = est.find(k);
    const auto ku = static_cast<std::size_t>(k);
    char line[240];
    std::snprintf(line, sizeof line, "%s%5lld  %-20s %12s %11s %9s %9s %11s %9s\n", k == d.instruction ? "> " : "  ",
                  static_cast<long long>(k), in ? in->opcode.c_str() : "?", cell(rtl.accepted[ku]).c_str(),
                  cell(est.issues[ku]).c_str(), cell(rtl.ended[ku]).c_str(), cell(est.ends[ku]).c_str(),
                  delta(rtl.accepted[ku], est.issues[ku]).c_str(), delta(rtl.ended[ku], est.ends[ku]).c_str());
    o << line;
  }
  o << "\nthe estimator's critical path back from the " << (d.at_end || d.ended ? "end" : "issue") << " of #" << d.instruction
    << " (latest first; hops for the same reason folded):\n";
  auto strip = [](const std::string& t) {
    std::string out;
    for (char c : t) out += std::isdigit(static_cast<unsigned char>(c)) ? '#' : c;
    return out;
  };
  for (std::size_t k = 0; k < d.path.size();) {
    std::size_t n = 1;
    while (k + n < d.path.size() && strip(d.path[k + n].reason) == strip(d.path[k].reason) &&
           d.path[k + n].object == d.path[k].object)
      ++n;
    const auto& h = d.path[k];
    o << "  #" << h.instruction << " " << h.opcode << " on '" << h.object << "': " << h.reason;
    if (!h.ended_by.empty()) o << "\n      (" << h.ended_by << ")";
    if (n > 1) o << "  (and " << n - 1 << " more like it, back to #" << d.path[k + n - 1].instruction << ")";
    o << "\n";
    for (std::size_t m = k; m < k + n; ++m) {
      for (const auto& sl : d.path[m].slack) o << "      not binding on #" << d.path[m].instruction << ", " << sl << "\n";
      if (m == k)
        for (const auto& sh : d.path[m].sharing) o << "      " << sh << "\n";
    }
    k += n;
  }
  o << "\ndescription entries on that path (nearest first):\n";
  for (const auto& e : d.entries) o << "  " << e << "\n";
  if (at) o << "\n#" << d.instruction << " in the estimator: " << describe(*at) << "\n";
  return o.str();
}

}  // namespace acv
