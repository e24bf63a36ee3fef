// Running a suite's cases as processes with a cache, and reading result folders back.
#include "validation/harness/campaign.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "models/common/error.h"
#include "validation/harness/content_hash.h"
#include "validation/harness/process_pool.h"
#include "validation/harness/progress.h"
#include "validation/harness/result_cache.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace acv {

namespace {

constexpr const char* kFolderSchema = "acv-result-folder-1";

bool read_text(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::stringstream s;
  s << in.rdbuf();
  *out = s.str();
  return true;
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  if (!out) throw InputError(SourceLoc{path, 0, ""}, "cannot write file");
  out << text;
}

// Last `max_lines` lines of a log, for failure messages.
std::string tail(const std::string& text, int max_lines) {
  std::size_t pos = text.size();
  while (pos > 0 && (text[pos - 1] == '\n' || text[pos - 1] == ' ')) --pos;
  const std::size_t end = pos;
  int lines = 0;
  while (pos > 0) {
    if (text[pos - 1] == '\n' && ++lines == max_lines) break;
    --pos;
  }
  std::string out = text.substr(pos, end - pos);
  if (out.size() > 4000) out = "..." + out.substr(out.size() - 4000);
  return out;
}

json thresholds_json(const Thresholds& t) {
  json j = json::object();
  if (t.mape_pct) j["mape"] = *t.mape_pct;
  if (t.max_error_pct) j["max_error"] = *t.max_error_pct;
  if (t.min_speedup) j["min_speedup"] = *t.min_speedup;
  return j;
}

json view_json(const View& v) {
  return {{"name", v.name}, {"backend", v.backend}, {"options", v.options}, {"thresholds", thresholds_json(v.thresholds)}};
}

View view_from_json(const json& j) {
  View v;
  v.name = j.at("name").get<std::string>();
  v.backend = j.at("backend").get<std::string>();
  v.options = j.at("options").get<std::map<std::string, std::string>>();
  const json& t = j.at("thresholds");
  if (t.contains("mape")) v.thresholds.mape_pct = t["mape"].get<double>();
  if (t.contains("max_error")) v.thresholds.max_error_pct = t["max_error"].get<double>();
  if (t.contains("min_speedup")) v.thresholds.min_speedup = t["min_speedup"].get<double>();
  return v;
}

json manifest_json(const Manifest& m) {
  json views = json::array();
  for (const auto& v : m.views) views.push_back(view_json(v));
  json cases = json::array();
  for (const auto& c : m.cases)
    cases.push_back({{"index", c.index},
                     {"key", c.key},
                     {"accelerator", c.accelerator},
                     {"config_name", c.config_name},
                     {"config_file", c.config_file},
                     {"workload_name", c.workload_name},
                     {"workload_file", c.workload_file},
                     {"layer", c.layer},
                     {"layer_kind", c.layer_kind},
                     {"layer_shape", c.layer_shape},
                     {"macs", c.macs},
                     {"skip_reason", c.skip_reason},
                     {"view", c.view.name}});
  json budgets = json::object();
  for (const auto& kv : m.budgets) budgets[kv.first] = {{"cycles", kv.second.cycles}, {"note", kv.second.note}};
  return {{"schema", kFolderSchema},   {"suite", m.suite_name}, {"suite_file", m.suite_file},
          {"budgets", budgets},
          {"reference", m.reference},  {"identity", m.identity()},
          {"shard", {{"index", m.shard_index}, {"count", m.shard_count}}},
          {"views", views},            {"cases", cases}};
}

Manifest manifest_from_json(const std::string& text, const std::string& source) {
  try {
    const json j = json::parse(text);
    if (j.at("schema").get<std::string>() != kFolderSchema)
      throw InputError(SourceLoc{source, 0, "schema"}, "not an acv result folder manifest");
    Manifest m;
    m.suite_name = j.at("suite").get<std::string>();
    m.suite_file = j.at("suite_file").get<std::string>();
    m.reference = j.at("reference").get<std::string>();
    m.shard_index = j.at("shard").at("index").get<int>();
    m.shard_count = j.at("shard").at("count").get<int>();
    for (const auto& v : j.at("views")) m.views.push_back(view_from_json(v));
    if (j.contains("budgets"))  // absent in folders written before budgets
      for (const auto& kv : j.at("budgets").items())
        m.budgets[kv.key()] = Budget{kv.value().at("cycles").get<int64_t>(), kv.value().at("note").get<std::string>()};
    for (const auto& cj : j.at("cases")) {
      Case c;
      c.index = cj.at("index").get<std::size_t>();
      c.key = cj.at("key").get<std::string>();
      c.accelerator = cj.at("accelerator").get<std::string>();
      c.config_name = cj.at("config_name").get<std::string>();
      c.config_file = cj.at("config_file").get<std::string>();
      c.workload_name = cj.at("workload_name").get<std::string>();
      c.workload_file = cj.at("workload_file").get<std::string>();
      c.layer = cj.at("layer").get<std::string>();
      c.layer_kind = cj.at("layer_kind").get<std::string>();
      c.layer_shape = cj.at("layer_shape").get<std::string>();
      c.macs = cj.at("macs").get<int64_t>();
      c.skip_reason = cj.at("skip_reason").get<std::string>();
      const std::string view = cj.at("view").get<std::string>();
      const auto it = std::find_if(m.views.begin(), m.views.end(), [&](const View& v) { return v.name == view; });
      if (it == m.views.end()) throw InputError(SourceLoc{source, 0, "cases"}, "case names unknown view '" + view + "'");
      c.view = *it;
      m.cases.push_back(std::move(c));
    }
    if (j.at("identity").get<std::string>() != m.identity())
      throw InputError(SourceLoc{source, 0, "identity"}, "manifest was edited (identity does not match its content)");
    return m;
  } catch (const json::exception& e) {
    throw InputError(SourceLoc{source, 0, ""}, std::string("malformed manifest: ") + e.what());
  }
}

void write_record(const std::string& dir, const Case& c, const CaseOutcome& o) {
  const json j = {{"key", c.key}, {"status", to_string(o.status)}, {"message", o.message}, {"cached", o.cached}};
  write_text(dir + "/cases/" + c.file_stem() + ".json", j.dump(2) + "\n");
  if (!o.run_json.empty()) {
    const std::string run_path = dir + "/runs/" + c.file_stem() + ".json";
    std::string existing;
    if (!read_text(run_path, &existing) || existing != o.run_json) write_text(run_path, o.run_json);
  }
}

// Fresh runs/, cases/ and logs/ under dir (stale records of an earlier campaign must not merge).
void prepare_folder(const std::string& dir) {
  std::error_code ec;
  for (const char* sub : {"runs", "cases", "logs"}) {
    fs::remove_all(fs::path(dir) / sub, ec);
    fs::create_directories(fs::path(dir) / sub, ec);
    if (ec) throw InputError(SourceLoc{dir, 0, ""}, "cannot create result folder: " + ec.message());
  }
}

CaseOutcome absent_outcome(const Case& c, const std::set<std::string>& available) {
  std::string list;
  for (const auto& n : available) list += (list.empty() ? "" : ", ") + n;
  CaseOutcome o;
  o.status = CaseStatus::Absent;
  o.message = "backend '" + c.view.backend + "' is not built into this acv (available: " + list + ")";
  return o;
}

CaseOutcome skipped_outcome(const Case& c) {
  CaseOutcome o;
  o.status = CaseStatus::Skipped;
  o.message = c.skip_reason;
  return o;
}

}  // namespace

std::string Manifest::identity() const {
  ContentHasher h;
  h.field(suite_name).field(reference);
  for (const auto& v : views) h.field(view_json(v).dump());
  for (const auto& c : cases)
    h.field(c.key).field(c.layer_shape).field(c.config_file).field(c.workload_file).field(c.skip_reason);
  return h.hex();
}

Manifest make_manifest(const Suite& suite, const std::vector<Case>& cases) {
  Manifest m;
  m.suite_name = suite.name;
  m.suite_file = suite.file;
  m.reference = suite.reference;
  m.views = suite.views;
  m.cases = cases;
  for (const auto& c : cases)
    for (const auto& sel : suite.workloads)
      if (sel.budget && sel.file == c.workload_file) m.budgets[c.workload_name] = *sel.budget;
  return m;
}

const char* to_string(CaseStatus status) {
  switch (status) {
    case CaseStatus::Ok: return "ok";
    case CaseStatus::Skipped: return "skipped";
    case CaseStatus::Failed: return "failed";
    case CaseStatus::Absent: return "absent";
    case CaseStatus::Missing: return "missing";
  }
  return "missing";
}

CaseStatus case_status_from_string(const std::string& text) {
  for (CaseStatus s : {CaseStatus::Ok, CaseStatus::Skipped, CaseStatus::Failed, CaseStatus::Absent, CaseStatus::Missing})
    if (text == to_string(s)) return s;
  throw InputError("unknown case status '" + text + "'");
}

CaseOutcome outcome_from_run(const Case& c, const std::string& json_text, const std::string& source) {
  CaseOutcome o;
  RunResult run;
  try {
    run = run_result_from_json(json_text, source);
  } catch (const InputError& e) {
    o.status = CaseStatus::Failed;
    o.message = std::string("unreadable result: ") + e.what();
    return o;
  }
  const auto it = std::find_if(run.layers.begin(), run.layers.end(), [&](const LayerResult& l) { return l.layer == c.layer; });
  if (it == run.layers.end()) {
    o.status = CaseStatus::Failed;
    o.message = source + ": result has no layer '" + c.layer + "'";
    return o;
  }
  o.layer = *it;
  o.wall_seconds = it->wall_seconds > 0 ? it->wall_seconds : run.wall_seconds;
  o.run_json = json_text;
  if (it->status == "ok") {
    o.status = CaseStatus::Ok;
  } else if (it->status == "skipped") {
    o.status = CaseStatus::Skipped;
    o.message = it->note;
  } else {
    o.status = CaseStatus::Failed;
    o.message = it->note.empty() ? "layer status '" + it->status + "'" : it->note;
  }
  return o;
}

std::vector<std::string> acv_run_command(const std::string& acv_binary, const Case& c, const std::string& json_path) {
  std::vector<std::string> argv = {acv_binary,
                                   "run",
                                   "--backend",
                                   c.view.backend,
                                   "--accel",
                                   c.accelerator,
                                   "--config",
                                   fs::absolute(c.config_file).lexically_normal().string(),
                                   "--workload",
                                   fs::absolute(c.workload_file).lexically_normal().string(),
                                   "--layer",
                                   c.layer,
                                   "--json",
                                   json_path};
  for (const auto& kv : c.view.options) {
    argv.push_back("--" + kv.first);
    if (kv.second != "true") argv.push_back(kv.second);
  }
  return argv;
}

Outcomes run_campaign(const Manifest& manifest, const CampaignOptions& options, CampaignStats* stats) {
  const auto start = std::chrono::steady_clock::now();
  CampaignStats local;
  CampaignStats& st = stats ? *stats : local;
  st = CampaignStats{};
  const std::string& out = options.out_dir;
  prepare_folder(out);
  write_text(out + "/manifest.json", manifest_json(manifest).dump(2) + "\n");

  Outcomes outcomes(manifest.cases.size());
  std::optional<CacheKeyer> keyer;
  std::optional<ResultCache> cache;
  if (!options.cache_dir.empty()) {
    keyer.emplace(options.repo_root);
    cache.emplace(options.cache_dir);
  }
  std::vector<std::string> keys(manifest.cases.size());
  std::vector<std::size_t> to_run;
  for (const auto& c : manifest.cases) {
    if (!manifest.in_shard(c)) continue;
    ++st.cases;
    if (!options.available_backends.count(c.view.backend)) {
      outcomes[c.index] = absent_outcome(c, options.available_backends);
      ++st.absent;
      continue;
    }
    if (!c.skip_reason.empty()) {
      outcomes[c.index] = skipped_outcome(c);
      continue;
    }
    if (cache) {
      keys[c.index] = keyer->key(c);
      std::string rejected;
      const auto text = cache->load(keys[c.index], &rejected);
      if (!rejected.empty()) {
        ++st.cache_rejected;
        if (options.progress)
          *options.progress << "acv validate: cache entry " << cache->path_of(keys[c.index]) << " of "
                            << c.key << " rejected: " << rejected << "; running it again\n";
      }
      if (text) {
        CaseOutcome o = outcome_from_run(c, *text, cache->dir() + "/" + keys[c.index] + ".json");
        if (o.status != CaseStatus::Failed) {
          o.cached = true;
          outcomes[c.index] = std::move(o);
          ++st.cached;
          continue;
        }
      }
    }
    to_run.push_back(c.index);
  }
  // Longest first: reference (RTL) runs, then by MACs, so the last runs to finish are short.
  std::stable_sort(to_run.begin(), to_run.end(), [&](std::size_t a, std::size_t b) {
    const Case& ca = manifest.cases[a];
    const Case& cb = manifest.cases[b];
    const bool ra = ca.view.name == manifest.reference, rb = cb.view.name == manifest.reference;
    if (ra != rb) return ra;
    return ca.macs > cb.macs;
  });

  std::vector<ProcessSpec> specs;
  for (std::size_t i : to_run) {
    const Case& c = manifest.cases[i];
    const std::string json_path = fs::absolute(out + "/runs/" + c.file_stem() + ".json").string();
    ProcessSpec spec;
    spec.argv = options.command ? options.command(c, json_path) : acv_run_command(options.acv_binary, c, json_path);
    spec.stdout_file = out + "/logs/" + c.file_stem() + ".stdout";
    spec.stderr_file = out + "/logs/" + c.file_stem() + ".stderr";
    spec.timeout_seconds = options.timeout_seconds;
    specs.push_back(std::move(spec));
  }

  std::optional<ProgressDisplay> progress;
  if (options.progress) {
    std::vector<std::pair<int64_t, bool>> work;
    for (std::size_t i : to_run)
      work.emplace_back(manifest.cases[i].macs, manifest.cases[i].view.name == manifest.reference);
    progress.emplace(*options.progress, specs.size(), options.tty, std::move(work));
  }
  ProcessPool pool(options.jobs);
  pool.run(
      specs, [&](std::size_t s) { if (progress) progress->started(manifest.cases[to_run[s]].key); },
      [&](std::size_t s, const ProcessResult& r) {
        const Case& c = manifest.cases[to_run[s]];
        ++st.ran;
        CaseOutcome o;
        std::string json_text;
        const std::string json_path = out + "/runs/" + c.file_stem() + ".json";
        const bool have_json = read_text(json_path, &json_text) && !json_text.empty();
        if ((r.ok() || (r.spawn_error.empty() && r.signal == 0 && !r.timed_out && r.exit_code == 1)) && have_json) {
          o = outcome_from_run(c, json_text, json_path);  // exit 1: outputs differ from golden, result valid
        } else {
          o.status = CaseStatus::Failed;
          o.message = r.describe() + (r.ok() || r.exit_code == 1 ? ", but wrote no result" : "");
        }
        if (o.status == CaseStatus::Failed) {
          std::string err;
          read_text(specs[s].stderr_file, &err);
          const std::string t = tail(err, 15);
          if (!t.empty()) o.message += "\n" + t;
          ++st.failed;
        } else if (cache) {
          cache->store(keys[c.index], json_text);
        }
        if (progress) progress->finished(s, c.key, to_string(o.status), r.wall_seconds);
        outcomes[c.index] = std::move(o);
      },
      [&] { if (progress) progress->tick(); });
  if (progress) progress->close();

  for (const auto& c : manifest.cases)
    if (outcomes[c.index]) write_record(out, c, *outcomes[c.index]);
  st.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return outcomes;
}

std::vector<std::vector<std::string>> emit_jobs(const Manifest& manifest, const CampaignOptions& options) {
  const std::string& out = options.out_dir;
  prepare_folder(out);
  write_text(out + "/manifest.json", manifest_json(manifest).dump(2) + "\n");
  std::vector<std::vector<std::string>> jobs;
  for (const auto& c : manifest.cases) {
    if (!manifest.in_shard(c)) continue;
    if (!options.available_backends.count(c.view.backend)) {
      write_record(out, c, absent_outcome(c, options.available_backends));
      continue;
    }
    if (!c.skip_reason.empty()) {
      write_record(out, c, skipped_outcome(c));
      continue;
    }
    const std::string json_path = fs::absolute(out + "/runs/" + c.file_stem() + ".json").lexically_normal().string();
    jobs.push_back(options.command ? options.command(c, json_path) : acv_run_command(options.acv_binary, c, json_path));
  }
  return jobs;
}

MergedResults load_result_folders(const std::vector<std::string>& dirs) {
  if (dirs.empty()) throw InputError("no result folders given");
  MergedResults merged;
  std::vector<Manifest> manifests;
  for (const auto& d : dirs) {
    std::string text;
    const std::string path = d + "/manifest.json";
    if (!read_text(path, &text)) throw InputError(SourceLoc{path, 0, ""}, "not a result folder (no manifest.json)");
    manifests.push_back(manifest_from_json(text, path));
    if (manifests.back().identity() != manifests.front().identity())
      throw InputError(SourceLoc{path, 0, "identity"}, "result folder of a different suite expansion than " + dirs.front() +
                                                           " (suite '" + manifests.back().suite_name + "' vs '" +
                                                           manifests.front().suite_name + "')");
  }
  merged.manifest = manifests.front();
  merged.manifest.shard_index = merged.manifest.shard_count = 1;
  merged.outcomes.resize(merged.manifest.cases.size());
  for (const auto& c : merged.manifest.cases) {
    std::optional<CaseOutcome> found;
    for (const auto& d : dirs) {
      std::string record_text, run_text;
      const std::string record_path = d + "/cases/" + c.file_stem() + ".json";
      const std::string run_path = d + "/runs/" + c.file_stem() + ".json";
      const bool have_run = read_text(run_path, &run_text) && !run_text.empty();
      if (read_text(record_path, &record_text)) {
        json r;
        try {
          r = json::parse(record_text);
          CaseOutcome o;
          const CaseStatus status = case_status_from_string(r.at("status").get<std::string>());
          if (status == CaseStatus::Ok || status == CaseStatus::Skipped) {
            if (have_run) {
              o = outcome_from_run(c, run_text, run_path);
            } else if (status == CaseStatus::Skipped) {  // skipped before running
              o.status = status;
              o.message = r.at("message").get<std::string>();
            } else {
              o.status = CaseStatus::Failed;
              o.message = "result file missing: " + run_path;
            }
          } else {
            o.status = status;
            o.message = r.at("message").get<std::string>();
          }
          o.cached = r.at("cached").get<bool>();
          found = std::move(o);
        } catch (const json::exception& e) {
          throw InputError(SourceLoc{record_path, 0, ""}, std::string("malformed case record: ") + e.what());
        }
      } else if (have_run) {  // written by an emitted `acv run` job
        found = outcome_from_run(c, run_text, run_path);
      }
      if (found) break;
    }
    if (!found) {
      found = CaseOutcome{};
      found->status = CaseStatus::Missing;
      found->message = "no result in any merged folder";
    }
    merged.outcomes[c.index] = std::move(found);
  }
  return merged;
}

void write_result_folder(const std::string& dir, const Manifest& manifest, const Outcomes& outcomes) {
  prepare_folder(dir);
  write_text(dir + "/manifest.json", manifest_json(manifest).dump(2) + "\n");
  for (const auto& c : manifest.cases)
    if (outcomes[c.index]) write_record(dir, c, *outcomes[c.index]);
}

std::string shell_join(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) {
    if (!out.empty()) out += ' ';
    const bool plain = !a.empty() && a.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
                                                         "_-./=:,+@%") == std::string::npos;
    if (plain) {
      out += a;
    } else {
      out += '\'';
      for (char ch : a) out += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
      out += '\'';
    }
  }
  return out;
}

}  // namespace acv
