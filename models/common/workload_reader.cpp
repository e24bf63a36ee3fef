// Workload readers: strict acv YAML and SCALE-Sim topology CSV (ONNX: onnx_reader.cpp), all ending in validate_layer.
#include "workload_reader.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <tuple>
#include <utility>
#include <vector>

#include "models/common/input_file.h"
#include "models/common/onnx_reader.h"
#include "yaml_util.h"

namespace acv {

namespace {

std::string default_workload_name(const std::string& file) {
  const std::string stem = std::filesystem::path(file).stem().string();
  return stem.empty() ? "workload" : stem;
}

// Layer names identify layers in reports, caches and Workload::find, so they must be unique.
// `name_field` is how the input spells the name: "name" in YAML, the first column in CSV.
void check_unique_names(const Workload& w, const std::string& name_field) {
  std::map<std::string, int> first_line;
  for (const Layer& l : w.layers) {
    const auto [it, inserted] = first_line.emplace(l.name, l.loc.line);
    if (!inserted) {
      SourceLoc where = l.loc;
      where.field = where.field.empty() ? name_field : where.field + "." + name_field;
      throw InputError(where, "duplicate layer name '" + l.name + "' (first defined on line " +
                                  std::to_string(it->second) + ")");
    }
  }
}

// ---------------------------------------------------------------------------------------------
// acv YAML

using HeightWidth = std::pair<int64_t, int64_t>;

int64_t read_size(const YamlNode& node, bool allow_zero) {
  if (!allow_zero) return node.as_positive_int();
  const int64_t v = node.as_int();
  if (v < 0) node.fail("must not be negative, got " + std::to_string(v));
  return v;
}

// `3` or `[3, 5]` (height, width).
HeightWidth read_hw(const YamlNode& node, bool allow_zero) {
  if (node.is_sequence()) {
    if (node.size() != 2) node.fail("expected an integer or a list [height, width]");
    return {read_size(node.at(0), allow_zero), read_size(node.at(1), allow_zero)};
  }
  if (!node.is_scalar()) node.fail("expected an integer or a list [height, width]");
  const int64_t v = read_size(node, allow_zero);
  return {v, v};
}

HeightWidth read_hw(const YamlNode& layer, const std::string& key, bool allow_zero, HeightWidth fallback) {
  return layer.has(key) ? read_hw(layer[key], allow_zero) : fallback;
}

int64_t read_1d(const YamlNode& layer, const std::string& key, bool allow_zero, int64_t fallback) {
  if (!layer.has(key)) return fallback;
  return read_size(layer[key], allow_zero);
}

// Spatial window shared by conv2d, depthwise_conv2d and pools. Pools stride by their kernel by default.
void read_window_2d(const YamlNode& node, Layer& l, bool stride_defaults_to_kernel) {
  l.in_h = node["height"].as_positive_int();
  l.in_w = node["width"].as_positive_int();
  std::tie(l.kh, l.kw) = read_hw(node["kernel"], false);
  const HeightWidth stride_default = stride_defaults_to_kernel ? HeightWidth{l.kh, l.kw} : HeightWidth{1, 1};
  std::tie(l.stride_h, l.stride_w) = read_hw(node, "stride", false, stride_default);
  std::tie(l.pad_h, l.pad_w) = read_hw(node, "padding", true, {0, 0});
}

void parse_conv2d(const YamlNode& node, Layer& l) {
  l.kind = LayerKind::Conv2d;
  l.in_c = node["in_channels"].as_positive_int();
  l.out_c = node["out_channels"].as_positive_int();
  read_window_2d(node, l, false);
  l.groups = read_1d(node, "groups", false, 1);
}

void parse_conv1d(const YamlNode& node, Layer& l) {
  l.kind = LayerKind::Conv1d;
  l.in_c = node["in_channels"].as_positive_int();
  l.out_c = node["out_channels"].as_positive_int();
  l.in_h = 1;
  l.kh = 1;
  l.in_w = node["length"].as_positive_int();
  l.kw = node["kernel"].as_positive_int();
  l.stride_w = read_1d(node, "stride", false, 1);
  l.pad_w = read_1d(node, "padding", true, 0);
  l.groups = read_1d(node, "groups", false, 1);
}

void parse_depthwise_conv2d(const YamlNode& node, Layer& l) {
  l.kind = LayerKind::Conv2d;
  l.in_c = node["channels"].as_positive_int();
  l.out_c = l.in_c;
  l.groups = l.in_c;
  read_window_2d(node, l, false);
}

void parse_dense(const YamlNode& node, Layer& l) {
  l.kind = LayerKind::Dense;
  l.m = read_1d(node, "batch", false, 1);
  l.k = node["in_features"].as_positive_int();
  l.n = node["out_features"].as_positive_int();
}

void parse_gemm(const YamlNode& node, Layer& l) {
  l.kind = LayerKind::Gemm;
  l.m = node["m"].as_positive_int();
  l.n = node["n"].as_positive_int();
  l.k = node["k"].as_positive_int();
}

void parse_pool(const YamlNode& node, Layer& l) {
  l.in_c = node["channels"].as_positive_int();
  l.out_c = l.in_c;
  read_window_2d(node, l, true);
}
void parse_maxpool(const YamlNode& node, Layer& l) {
  parse_pool(node, l);
  l.kind = LayerKind::MaxPool;
}
void parse_avgpool(const YamlNode& node, Layer& l) {
  parse_pool(node, l);
  l.kind = LayerKind::AvgPool;
}

struct LayerType {
  const char* name;
  std::vector<std::string> keys;  // besides name, type and dtype
  void (*parse)(const YamlNode&, Layer&);
};

const std::vector<LayerType>& layer_types() {
  static const std::vector<LayerType> types = {
      {"conv2d",
       {"in_channels", "height", "width", "out_channels", "kernel", "stride", "padding", "groups"},
       parse_conv2d},
      {"conv1d",
       {"in_channels", "length", "out_channels", "kernel", "stride", "padding", "groups"},
       parse_conv1d},
      {"depthwise_conv2d",
       {"channels", "height", "width", "kernel", "stride", "padding"},
       parse_depthwise_conv2d},
      {"dense", {"in_features", "out_features", "batch"}, parse_dense},
      {"gemm", {"m", "n", "k"}, parse_gemm},
      {"maxpool", {"channels", "height", "width", "kernel", "stride", "padding"}, parse_maxpool},
      {"avgpool", {"channels", "height", "width", "kernel", "stride", "padding"}, parse_avgpool},
  };
  return types;
}

Layer parse_yaml_layer(const YamlNode& node) {
  node.require_map();
  Layer l;
  l.loc = node.loc();  // file, line of the layer, field "layers[i]"
  const YamlNode type_node = node["type"];
  const std::string type = type_node.as_string();
  const auto& types = layer_types();
  const auto it =
      std::find_if(types.begin(), types.end(), [&](const LayerType& t) { return type == t.name; });
  if (it == types.end()) {
    std::string list;
    for (const auto& t : types) list += (list.empty() ? "" : ", ") + std::string(t.name);
    type_node.fail("unknown layer type '" + type + "' (expected one of: " + list + ")");
  }
  std::vector<std::string> allowed = {"name", "type", "dtype", "input", "residual", "relu"};
  allowed.insert(allowed.end(), it->keys.begin(), it->keys.end());
  node.check_keys(allowed);

  l.name = node["name"].as_string();
  if (l.name.empty()) node["name"].fail("layer name is empty");
  // Data types are part of the format so files stay valid when more are supported; today the
  // golden reference and every accelerator compute int8 x int8 -> int32.
  if (node.has("dtype") && node["dtype"].as_string() != "int8") {
    node["dtype"].fail("unsupported dtype '" + node["dtype"].as_string() + "' (supported: int8)");
  }
  it->parse(node, l);
  if (node.has("input")) l.input_from = node["input"].as_string();
  if (node.has("residual")) l.residual_from = node["residual"].as_string();
  if (node.has("relu")) l.relu = node["relu"].as_bool();
  validate_layer(l);
  return l;
}

// `input` and `residual` name an earlier layer: the graph is in execution order.
void check_graph(const Workload& w, const YamlNode& layers) {
  for (std::size_t i = 0; i < w.layers.size(); ++i) {
    const Layer& l = w.layers[i];
    for (const char* key : {"input", "residual"}) {
      const std::string& from = std::string(key) == "input" ? l.input_from : l.residual_from;
      if (from.empty()) continue;
      const auto earlier = std::find_if(w.layers.begin(), w.layers.begin() + static_cast<std::ptrdiff_t>(i),
                                        [&](const Layer& e) { return e.name == from; });
      if (earlier == w.layers.begin() + static_cast<std::ptrdiff_t>(i))
        layers.at(i)[key].fail("layer '" + l.name + "': '" + from + "' is not an earlier layer");
    }
  }
}

// ---------------------------------------------------------------------------------------------
// SCALE-Sim topology CSV

struct CsvRow {
  int line = 0;
  std::vector<std::string> cells;
};

// Spaces, tabs and no-break spaces (U+00A0, which spreadsheets put after commas; SCALE-Sim's
// Python strip() removes them too) on either side.
std::string trim(const std::string& s) {
  const char* const nbsp = "\xC2\xA0";
  std::size_t first = 0, last = s.size();
  for (;;) {
    if (first < last && (s[first] == ' ' || s[first] == '\t'))
      ++first;
    else if (last - first >= 2 && s.compare(first, 2, nbsp) == 0)
      first += 2;
    else
      break;
  }
  for (;;) {
    if (last > first && (s[last - 1] == ' ' || s[last - 1] == '\t'))
      --last;
    else if (last - first >= 2 && s.compare(last - 2, 2, nbsp) == 0)
      last -= 2;
    else
      break;
  }
  return s.substr(first, last - first);
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Rows with at least one non-empty cell, every cell trimmed (all cells kept: what a trailing one
// means is decided per row, see row_values). Accepts \n, \r\n and \r line ends, as the shipped
// files mix them.
std::vector<CsvRow> split_csv(const std::string& text) {
  std::vector<CsvRow> rows;
  int line = 1;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t end = text.find_first_of("\r\n", pos);
    if (end == std::string::npos) end = text.size();
    CsvRow row;
    row.line = line;
    const std::string content = text.substr(pos, end - pos);
    std::size_t from = 0;
    for (;;) {
      const std::size_t comma = content.find(',', from);
      row.cells.push_back(
          trim(content.substr(from, comma == std::string::npos ? std::string::npos : comma - from)));
      if (comma == std::string::npos) break;
      from = comma + 1;
    }
    // SCALE-Sim skips blank lines; a row of empty cells (",,,,,,,,") is blank too.
    if (std::any_of(row.cells.begin(), row.cells.end(), [](const std::string& c) { return !c.empty(); }))
      rows.push_back(std::move(row));
    if (end < text.size() && text[end] == '\r' && end + 1 < text.size() && text[end + 1] == '\n') ++end;
    pos = end + 1;
    ++line;
  }
  return rows;
}

enum class CsvKind { Conv, Gemm };

// What the header row says. SCALE-Sim itself ignores the header (it reads cells by position), so
// spellings vary between its files; acv recognises them loosely but reads by position too.
struct CsvHeader {
  CsvKind kind = CsvKind::Conv;
  std::vector<std::string> columns;  // canonical names of the cells read, for errors
  std::size_t values = 0;            // cells every row has: the name and the values
  bool stride_width = false;         // conv: a 9th cell (stride width) may follow Strides
  std::size_t notes = 0;             // cells of the header after the read ones (not read)
  std::vector<std::string> note_names;
};

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

// Lower case with runs of spaces made one: "IFMAP  Height" and "ifmap height" compare equal.
std::string header_key(const std::string& cell) {
  std::string out;
  for (char c : lower(cell)) {
    if (c == ' ' && (out.empty() || out.back() == ' ')) continue;
    out += c;
  }
  return out;
}

bool one_of(const std::string& key, std::initializer_list<const char*> names) {
  for (const char* n : names)
    if (key == n) return true;
  return false;
}

const char* const kConvColumns[] = {"Layer name",   "IFMAP Height", "IFMAP Width", "Filter Height",
                                    "Filter Width", "Channels",     "Num Filter",  "Strides"};
const char* const kGemmColumns[] = {"Layer", "M", "N", "K"};

CsvHeader read_header(const CsvRow& row, const std::string& file) {
  std::vector<std::string> cells = row.cells;
  while (!cells.empty() && cells.back().empty()) cells.pop_back();  // "Strides," and "Strides,  "
  std::vector<std::string> k;
  for (const auto& c : cells) k.push_back(header_key(c));
  CsvHeader h;
  const auto is_layer = [](const std::string& key) { return key.rfind("layer", 0) == 0; };
  if (k.size() >= 4 && is_layer(k[0]) && k[1] == "m" && k[2] == "n" && k[3] == "k") {
    h.kind = CsvKind::Gemm;
    h.columns.assign(std::begin(kGemmColumns), std::end(kGemmColumns));
  } else if (k.size() >= 8 && is_layer(k[0]) && k[1].rfind("ifmap", 0) == 0 && k[2].rfind("ifmap", 0) == 0 &&
             k[3] == "filter height" && k[4] == "filter width" && one_of(k[5], {"channels", "channel"}) &&
             one_of(k[6], {"num filter", "num filters"}) &&
             one_of(k[7], {"strides", "stride", "stride height"})) {
    // DeepBench's files name the second column "IFMAP Width" twice; SCALE-Sim reads by position.
    h.kind = CsvKind::Conv;
    h.columns.assign(std::begin(kConvColumns), std::end(kConvColumns));
    if (k.size() >= 9 && one_of(k[8], {"stride width", "stride w"})) h.columns.push_back("Stride Width");
  } else {
    throw InputError(SourceLoc{file, row.line, "header"},
                     "unknown SCALE-Sim topology header '" + join(row.cells) + "' (expected '" +
                         join({std::begin(kConvColumns), std::end(kConvColumns)}) + "' or '" +
                         join({std::begin(kGemmColumns), std::end(kGemmColumns)}) + "')");
  }
  h.values = h.kind == CsvKind::Conv ? 8 : 4;
  h.stride_width = h.kind == CsvKind::Conv && (cells.size() <= 8 || h.columns.size() == 9);
  h.notes = cells.size() - h.columns.size();
  h.note_names.assign(cells.begin() + static_cast<long>(h.columns.size()), cells.end());
  return h;
}

bool is_integer_text(const std::string& s) {
  std::size_t i = s.size() > 1 && (s[0] == '-' || s[0] == '+') ? 1 : 0;
  return i < s.size() &&
         std::all_of(s.begin() + static_cast<long>(i), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string column_field(const CsvHeader& h, std::size_t col) {
  if (col < h.columns.size()) return h.columns[col];
  if (h.kind == CsvKind::Conv && col == 8) return "Stride Width";
  return "column " + std::to_string(col + 1);
}

// The cells of a row that hold its name and values, read as SCALE-Sim reads them. SCALE-Sim drops
// the last cell of every row (`row.split(',')[:-1]`): the empty one after the trailing comma, or a
// note such as "#dw". Where SCALE-Sim would crash acv reads what the row plainly says (no trailing
// comma on a row of exactly the values; notes in columns the header adds after Strides); where
// SCALE-Sim would silently read something else than the row says, it is an error.
std::vector<std::string> row_values(const CsvRow& row, const CsvHeader& h, const std::string& file) {
  std::vector<std::string> v = row.cells;
  const std::size_t read = h.columns.size();  // cells the header names for values
  const auto fail = [&](std::size_t col, const std::string& why) {
    throw InputError(SourceLoc{file, row.line, column_field(h, col)}, why);
  };
  if (h.notes > 0 && v.size() > read) {
    // Columns the header adds after the values (Resnet50.csv: ",,Eh,Ew,e2") are notes: not read.
    const std::size_t width = read + h.notes;
    if (v.size() > width + 1 || (v.size() == width + 1 && !v.back().empty()))
      fail(width, "more cells (" + std::to_string(v.size()) + ") than the header has columns (" +
                      std::to_string(width) + ")");
    // SCALE-Sim reads a 9th cell that is not the row's last as the stride width.
    if (h.kind == CsvKind::Conv && read == 8 && v.size() > 9 && is_integer_text(v[8]))
      fail(8,
           "'" + v[8] + "' in the column after Strides ('" + h.note_names[0] +
               "'): acv does not read it, but SCALE-Sim would read it as the stride width; leave it empty");
    v.resize(read);
    return v;
  }
  const std::size_t most = read + (h.stride_width && read == 8 ? 1 : 0);  // a 9th value: stride width
  if (!v.empty() && v.back().empty()) {
    v.pop_back();  // the trailing comma
  } else if (v.size() > h.values && !is_integer_text(v.back())) {
    v.pop_back();  // a note after the values ("#dw"), dropped by SCALE-Sim too
  } else if (v.size() > h.values) {
    fail(v.size() - 1, "the row ends in '" + v.back() +
                           "' without a trailing comma: SCALE-Sim drops the last cell of every row and would "
                           "ignore this value; end the row with ','");
  }
  if (v.size() < h.values || v.size() > most) {
    throw InputError(SourceLoc{file, row.line, ""},
                     "expected " + std::to_string(h.values) + " columns (" + join(h.columns) + ")" +
                         (most > h.values ? " and optionally Stride Width" : "") + ", got " +
                         std::to_string(v.size()));
  }
  return v;
}

int64_t positive_cell(const std::vector<std::string>& cells, std::size_t col, const CsvRow& row,
                      const CsvHeader& h, const std::string& file) {
  const std::string& s = cells[col];
  const SourceLoc where{file, row.line, column_field(h, col)};
  const bool digits =
      !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  // Twelve digits stay far inside int64; validate_layer rejects anything above 2^24 anyway.
  if (digits && s.size() > 12) throw InputError(where, "value too large: " + s);
  const int64_t v = digits ? std::stoll(s) : 0;
  if (v <= 0) throw InputError(where, "expected a positive integer, got '" + s + "'");
  return v;
}

Layer csv_conv_layer(const std::vector<std::string>& cells, const CsvRow& row, const CsvHeader& h,
                     const std::string& file) {
  const auto cell = [&](std::size_t col) { return positive_cell(cells, col, row, h, file); };
  const int64_t ifmap_h = cell(1), ifmap_w = cell(2), filter_h = cell(3), filter_w = cell(4);
  const int64_t channels = cell(5), filters = cell(6), stride = cell(7);
  const int64_t stride_w = cells.size() > 8 ? cell(8) : stride;  // SCALE-Sim: one stride serves both
  // Checked here too so the error names the CSV column rather than the IR field.
  if (filter_h > ifmap_h) {
    throw InputError(
        SourceLoc{file, row.line, h.columns[3]},
        "filter height " + std::to_string(filter_h) + " exceeds IFMAP height " + std::to_string(ifmap_h));
  }
  if (filter_w > ifmap_w) {
    throw InputError(
        SourceLoc{file, row.line, h.columns[4]},
        "filter width " + std::to_string(filter_w) + " exceeds IFMAP width " + std::to_string(ifmap_w));
  }
  Layer l;
  // Height 1 with a filter of height 1 is how the format writes a 1-D convolution.
  l.kind = ifmap_h == 1 && filter_h == 1 ? LayerKind::Conv1d : LayerKind::Conv2d;
  l.in_c = channels;
  l.in_h = ifmap_h;
  l.in_w = ifmap_w;
  l.kh = filter_h;
  l.kw = filter_w;
  l.stride_h = l.kind == LayerKind::Conv1d ? 1 : stride;
  l.stride_w = stride_w;
  // SCALE-Sim's "valid" convention: the IFMAP size already includes any padding.
  l.pad_h = l.pad_w = 0;
  if (cells[0].find("DP") != std::string::npos) {
    // SCALE-Sim's depthwise rows: "DP" in the name, Num Filter filters per channel (one layer
    // per channel there, one grouped layer here: the same shapes and MACs).
    l.groups = channels;
    l.out_c = channels * filters;
  } else if (filters == 1 && channels > 1) {
    // MobileNet's depthwise rows: one filter per channel, each channel its own group.
    l.groups = channels;
    l.out_c = channels;
  } else {
    l.groups = 1;
    l.out_c = filters;
  }
  return l;
}

Layer csv_gemm_layer(const std::vector<std::string>& cells, const CsvRow& row, const CsvHeader& h,
                     const std::string& file) {
  Layer l;
  l.kind = LayerKind::Gemm;
  l.m = positive_cell(cells, 1, row, h, file);
  l.n = positive_cell(cells, 2, row, h, file);
  l.k = positive_cell(cells, 3, row, h, file);
  return l;
}

}  // namespace

Workload parse_workload_yaml(const std::string& text, const std::string& file) {
  const YamlNode root = YamlNode::load_string(text, file);
  root.require_map();
  root.check_keys({"workload", "description", "layers"});
  Workload w;
  w.file = file;
  w.name = root.has("workload") ? root["workload"].as_string() : default_workload_name(file);
  if (w.name.empty()) root["workload"].fail("workload name is empty");
  if (root.has("description")) root["description"].as_string();  // must be text, nothing more
  const YamlNode layers = root["layers"];
  layers.require_sequence();
  if (layers.size() == 0) layers.fail("a workload needs at least one layer");
  for (std::size_t i = 0; i < layers.size(); ++i) w.layers.push_back(parse_yaml_layer(layers.at(i)));
  check_unique_names(w, "name");
  check_graph(w, layers);
  return w;
}

Workload parse_workload_csv(const std::string& raw_text, const std::string& file) {
  const std::string text = strip_bom(raw_text);  // spreadsheet exports start with one
  check_utf8(text, file);
  const std::vector<CsvRow> rows = split_csv(text);
  if (rows.empty()) throw InputError(SourceLoc{file, 0, ""}, "file is empty");
  const CsvHeader header = read_header(rows.front(), file);
  if (rows.size() == 1) {
    throw InputError(SourceLoc{file, rows.front().line, ""}, "no layers after the header");
  }
  Workload w;
  w.file = file;
  w.name = default_workload_name(file);
  for (std::size_t r = 1; r < rows.size(); ++r) {
    const CsvRow& row = rows[r];
    const std::vector<std::string> cells = row_values(row, header, file);
    if (cells[0].empty()) {
      throw InputError(SourceLoc{file, row.line, header.columns[0]}, "layer name is empty");
    }
    Layer l = header.kind == CsvKind::Conv ? csv_conv_layer(cells, row, header, file)
                                           : csv_gemm_layer(cells, row, header, file);
    l.name = cells[0];
    l.loc = SourceLoc{file, row.line, ""};
    validate_layer(l);
    w.layers.push_back(std::move(l));
  }
  // SCALE-Sim does not need unique names (DeepBench's files repeat some).
  rename_repeated_layers(w);
  return w;
}

void rename_repeated_layers(Workload& w) {
  std::map<std::string, int> seen;
  for (const Layer& l : w.layers) seen.emplace(l.name, 0);
  for (Layer& l : w.layers) {
    int& count = seen[l.name];
    if (++count == 1) continue;
    std::string renamed = l.name + "#" + std::to_string(count);
    while (seen.count(renamed)) renamed = l.name + "#" + std::to_string(++count);
    seen.emplace(renamed, 1);
    l.name = renamed;
  }
}

Workload load_workload(const std::string& path) {
  const std::string ext = lower(std::filesystem::path(path).extension().string());
  if (ext == ".yaml" || ext == ".yml") return parse_workload_yaml(read_input_file(path), path);
  if (ext == ".csv") return parse_workload_csv(read_input_file(path), path);
  if (ext == ".onnx") return parse_workload_onnx(read_input_bytes(path), path);
  throw InputError(SourceLoc{path, 0, ""}, "unknown workload file extension '" + ext +
                                               "' (expected .yaml or .yml for acv's format, .csv for a "
                                               "SCALE-Sim topology, .onnx for an ONNX model)");
}

}  // namespace acv
