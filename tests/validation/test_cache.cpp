// The result cache: hits on unchanged inputs, invalidation when an input that decides a result changes.
#include <catch2/catch.hpp>
#include <filesystem>
#include <sstream>

#include "tests/validation/harness_fixture.h"
#include "validation/harness/content_hash.h"
#include "validation/harness/golden_cache.h"
#include "validation/harness/result_cache.h"

using namespace acv;
using namespace acv::test;

namespace {

// A fake repository: mapper, RTL, TLM, estimator sources and a config with a description.
struct FakeRepo {
  TempDir dir{"repo"};
  FakeRepo() {
    write_file(dir / "models/systolic/mapper.cpp", "// mapper v1\n");
    write_file(dir / "models/systolic/configs/a.yaml", config_text(4));
    write_file(dir / "models/systolic/arch.yaml", "units: [pe]\n");
    write_file(dir / "rtl/systolic/systolic_top.sv", "module systolic_top; endmodule\n");
    write_file(dir / "rtl/common/fifo.sv", "module fifo; endmodule\n");
    write_file(dir / "tlm/systolic/systolic_tlm.cpp", "// tlm\n");
    write_file(dir / "estimator/aidg.cpp", "// estimator\n");
  }
  static std::string config_text(int rows) {
    return "accelerator: systolic\nname: a\ndescription: ../arch.yaml\nparams: { rows: " + std::to_string(rows) + " }\n";
  }
  Case make(const std::string& backend) const {
    Case c = make_case(0, "a", "net", "L1", make_view(backend));
    c.config_file = dir / "models/systolic/configs/a.yaml";
    return c;
  }
};

}  // namespace

TEST_CASE("sha256 matches the standard test vectors", "[cache]") {
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256_hex(std::string(1000, 'a')) == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3");
}

TEST_CASE("cache keys change exactly with the inputs that decide a result", "[cache]") {
  FakeRepo repo;
  auto key = [&](const std::string& backend, Case c = Case{}) {
    if (c.key.empty()) c = repo.make(backend);
    return CacheKeyer(repo.dir.path()).key(c);  // a fresh keyer: no memoised hashes
  };
  const std::string rtl = key("rtl"), est = key("estimator"), tlm = key("tlm");
  CHECK(key("rtl") == rtl);  // unchanged inputs: a hit
  CHECK(rtl != est);

  SECTION("an RTL file changes: RTL results are invalid, estimator results are not") {
    write_file(repo.dir / "rtl/systolic/systolic_top.sv", "module systolic_top; logic x; endmodule\n");
    CHECK(key("rtl") != rtl);
    CHECK(key("estimator") == est);
    CHECK(key("tlm") == tlm);
  }
  SECTION("a shared RTL file changes") {
    write_file(repo.dir / "rtl/common/fifo.sv", "module fifo #(parameter int Depth = 2); endmodule\n");
    CHECK(key("rtl") != rtl);
  }
  SECTION("the description changes: estimator results are invalid, RTL results are not") {
    write_file(repo.dir / "models/systolic/arch.yaml", "units: [pe, dma]\n");
    CHECK(key("estimator") != est);
    CHECK(key("rtl") == rtl);
  }
  SECTION("the mapper changes: every result is invalid") {
    write_file(repo.dir / "models/systolic/mapper.cpp", "// mapper v2\n");
    CHECK(key("rtl") != rtl);
    CHECK(key("estimator") != est);
  }
  SECTION("the config, the layer shape or the backend options change") {
    Case c = repo.make("tlm");
    c.layer_shape = "gemm other";
    CHECK(key("tlm", c) != tlm);
    c = repo.make("tlm");
    c.view.options["tlm-mode"] = "at";
    CHECK(key("tlm", c) != tlm);
    write_file(repo.dir / "models/systolic/configs/a.yaml", FakeRepo::config_text(8));
    CHECK(key("tlm") != tlm);
  }
}

TEST_CASE("a campaign reuses cached results and re-runs what an RTL change invalidates", "[cache][campaign]") {
  FakeRepo repo;
  TempDir tmp("cache");
  HandMadeSuite s({}, repo.dir / "models/systolic/configs/a.yaml");
  s.write_runs(tmp / "handmade");
  CampaignOptions o = s.options(tmp / "handmade", tmp / "out");
  o.repo_root = repo.dir.path();
  o.cache_dir = tmp / "cache";

  CampaignStats cold, warm, after_rtl_edit;
  run_campaign(s.manifest, o, &cold);
  CHECK(cold.ran == 12);
  CHECK(cold.cached == 0);

  const Outcomes again = run_campaign(s.manifest, o, &warm);
  CHECK(warm.ran == 0);
  CHECK(warm.cached == 12);
  CHECK(again[0]->cached);
  CHECK(again[0]->layer.cycles == 1000);
  CHECK(read_file(tmp / "out/runs/c4__net__L1__rtl.json") == to_json(s.runs.at("c4/net/L1/rtl")));

  write_file(repo.dir / "rtl/systolic/systolic_top.sv", "module systolic_top; logic y; endmodule\n");
  run_campaign(s.manifest, o, &after_rtl_edit);
  CHECK(after_rtl_edit.ran == 6);  // the rtl view only; est is keyed on the description
  CHECK(after_rtl_edit.cached == 6);
}

TEST_CASE("two layers of one shape are both served from the cache on a re-run", "[cache][campaign]") {
  // ResNet-18's Conv2_1a and Conv2_2b: same shape, different names; each result names its layer.
  FakeRepo repo;
  TempDir tmp("twins");
  Manifest m;
  m.suite_name = "twins";
  m.suite_file = "twins.yaml";
  m.reference = "rtl";
  m.views = {make_view("rtl")};
  for (const std::string layer : {"Conv2_1a", "Conv2_2b"}) {
    Case c = make_case(m.cases.size(), "a", "net", layer, m.views[0]);
    c.config_file = repo.dir / "models/systolic/configs/a.yaml";
    c.layer_shape = "conv 64x56x56 k3";
    write_file(tmp / ("runs/" + c.file_stem() + ".json"), to_json(make_run("rtl", layer, 500, 1)));
    m.cases.push_back(c);
  }
  HandMadeSuite s({});
  CampaignOptions o = s.options(tmp / "runs", tmp / "out");
  o.available_backends = {"rtl"};
  o.repo_root = repo.dir.path();
  o.cache_dir = tmp / "cache";
  CampaignStats cold, warm;
  run_campaign(m, o, &cold);
  CHECK(cold.ran == 2);
  const Outcomes again = run_campaign(m, o, &warm);
  CHECK(warm.ran == 0);
  CHECK(warm.cached == 2);
  for (const auto& c : m.cases) {
    REQUIRE(again[c.index]);
    CHECK(again[c.index]->status == CaseStatus::Ok);
    CHECK(again[c.index]->layer.layer == c.layer);
  }
}

TEST_CASE("a cache entry edited by hand is rejected by its checksum and run again, saying so",
          "[cache][campaign]") {
  FakeRepo repo;
  TempDir tmp("edited");
  HandMadeSuite s({}, repo.dir / "models/systolic/configs/a.yaml");
  s.write_runs(tmp / "handmade");
  CampaignOptions o = s.options(tmp / "handmade", tmp / "out");
  o.repo_root = repo.dir.path();
  o.cache_dir = tmp / "cache";
  std::ostringstream progress;
  o.progress = &progress;
  CampaignStats cold, edited;
  run_campaign(s.manifest, o, &cold);
  REQUIRE(cold.ran == 12);

  const Case& c = s.manifest.cases[0];
  const std::string entry = ResultCache(o.cache_dir).path_of(CacheKeyer(o.repo_root).key(c));
  std::string text = read_file(entry);
  const auto at = text.find("\"cycles\": 1000");
  REQUIRE(at != std::string::npos);
  text.replace(at, 14, "\"cycles\": 7");  // a "better" result, typed in by hand
  write_file(entry, text);

  CacheKeyer keyer(o.repo_root);
  std::size_t sharing = 0;  // cases whose results share the entry (same config, shape and view)
  for (const auto& other : s.manifest.cases) sharing += keyer.key(other) == keyer.key(c);
  const Outcomes outcomes = run_campaign(s.manifest, o, &edited);
  CHECK(edited.cache_rejected == sharing);
  CHECK(edited.ran == sharing);
  CHECK(edited.cached == 12 - sharing);
  CHECK_FALSE(outcomes[c.index]->cached);
  CHECK(outcomes[c.index]->layer.cycles == 1000);
  CHECK_THAT(progress.str(), Catch::Contains(c.key + " rejected: its checksum does not match"));
  CHECK(read_file(entry).find("\"cycles\": 7") == std::string::npos);  // the re-run replaced it

  // An entry without its checksum line (an older acv, a copy from elsewhere) is not served either.
  ResultCache cache(tmp / "c");
  std::filesystem::create_directories(tmp / "c/ab");
  write_file(cache.path_of("abcdef"), to_json(s.runs.at(c.key)));
  std::string why;
  CHECK_FALSE(cache.load("abcdef", &why).has_value());
  CHECK(why == "no checksum line");
}

TEST_CASE("a corrupt cache entry is a miss, not an error", "[cache]") {
  TempDir tmp("corrupt");
  ResultCache cache(tmp / "c");
  cache.store("abcdef", "{ not json");
  CHECK(cache.load("abcdef").value() == "{ not json");
  CHECK_FALSE(cache.load("012345").has_value());
  const Case c = make_case(0, "a", "net", "L1", make_view("rtl"));
  CHECK(outcome_from_run(c, "{ not json", "x").status == CaseStatus::Failed);  // the campaign then re-runs it
}

TEST_CASE("the default cache folder follows XDG_CACHE_HOME", "[cache]") {
  const char* old = std::getenv("XDG_CACHE_HOME");
  const std::string saved = old ? old : "";
  setenv("XDG_CACHE_HOME", "/tmp/xdg", 1);
  CHECK(default_cache_dir("/repo") == "/tmp/xdg/acv");
  unsetenv("XDG_CACHE_HOME");
  CHECK(default_cache_dir("/repo") == "/repo/build/cache");
  if (old) setenv("XDG_CACHE_HOME", saved.c_str(), 1);
}

TEST_CASE("golden cache: a hit returns the computed tensors, a changed seed or shape misses", "[cache][golden]") {
  TempDir dir{"golden"};
  Layer l;
  l.name = "c";
  l.kind = LayerKind::Conv2d;
  l.in_c = 3;
  l.in_h = l.in_w = 9;
  l.out_c = 5;
  l.kh = l.kw = 3;
  l.pad_h = l.pad_w = 1;
  validate_layer(l);
  const GoldenCache cache(dir.path(), "sources-v1");
  const LayerData fresh = make_layer_data(l, 7);
  const GoldenCase first = cache.get(l, 7);  // computed and stored
  CHECK(first.data.input == fresh.input);
  CHECK(first.data.weights == fresh.weights);
  CHECK(first.expected == golden_output(l, fresh, GoldenPath::Naive));
  const GoldenCase hit = GoldenCache(dir.path(), "sources-v1").get(l, 7);  // read back
  CHECK(hit.data.input == first.data.input);
  CHECK(hit.data.weights == first.data.weights);
  CHECK(hit.expected == first.expected);
  CHECK(hit.expected_hash == hash_output(first.expected));
  // Keys: the seed, the shape and the sources decide; the layer's name does not.
  CHECK(cache.key(l, 8) != cache.key(l, 7));
  Layer renamed = l;
  renamed.name = "other";
  CHECK(cache.key(renamed, 7) == cache.key(l, 7));
  Layer wider = l;
  wider.out_c = 6;
  CHECK(cache.key(wider, 7) != cache.key(l, 7));
  CHECK(GoldenCache(dir.path(), "sources-v2").key(l, 7) != cache.key(l, 7));
  const GoldenCase other_seed = cache.get(l, 8);
  CHECK(other_seed.data.input == make_layer_data(l, 8).input);
  CHECK(other_seed.data.input != first.data.input);
  // A damaged file is recomputed, not trusted.
  const std::string path = dir.path() + "/" + cache.key(l, 7).substr(0, 2) + "/" + cache.key(l, 7) + ".bin";
  std::string stored = read_file(path);
  write_file(path, "ACVGOLD3 truncated");
  CHECK(cache.get(l, 7).expected == first.expected);
  // So is a file with bytes after the tensors (here its tensors damaged too, so that reading it
  // would show), or with none at all.
  for (std::size_t i = 40; i < stored.size(); ++i) stored[i] = static_cast<char>(~stored[i]);
  write_file(path, stored + "tail");
  CHECK(cache.get(l, 7).expected == first.expected);
  write_file(path, "");
  CHECK(cache.get(l, 7).expected == first.expected);
}
