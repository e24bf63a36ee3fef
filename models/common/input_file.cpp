// Reading and checking users' text files (input_file.h).
#include "models/common/input_file.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "models/common/error.h"

namespace acv {

namespace {

// Length of the well-formed UTF-8 sequence at text[i], or 0 when it is not one (RFC 3629).
std::size_t utf8_sequence(const std::string& text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char c = byte(i);
  if (c < 0x80) return 1;
  std::size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;  // overlong
    if (c == 0xED) hi = 0x9F;  // surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;  // overlong
    if (c == 0xF4) hi = 0x8F;  // above U+10FFFF
  } else {
    return 0;
  }
  if (i + n > text.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k)
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  return n;
}

}  // namespace

std::size_t utf8_error_offset(const std::string& text) {
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = utf8_sequence(text, i);
    if (n == 0) return i;
    i += n;
  }
  return std::string::npos;
}

void check_utf8(const std::string& text, const std::string& file) {
  const std::size_t bad = utf8_error_offset(text);
  if (bad == std::string::npos) return;
  const int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(bad), '\n'));
  throw InputError(SourceLoc{file, line, ""}, "not UTF-8 text (byte offset " + std::to_string(bad) + ")");
}

std::string strip_bom(const std::string& text) {
  static const std::string kBom = "\xEF\xBB\xBF";
  return text.compare(0, kBom.size(), kBom) == 0 ? text.substr(kBom.size()) : text;
}

std::string read_input_bytes(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (!fs::exists(st)) throw InputError(SourceLoc{path, 0, ""}, "no such file");
  if (fs::is_directory(st)) throw InputError(SourceLoc{path, 0, ""}, "is a directory, expected a file");
  if (!fs::is_regular_file(st)) throw InputError(SourceLoc{path, 0, ""}, "not a regular file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(SourceLoc{path, 0, ""}, "cannot open file");
  std::stringstream text;
  text << in.rdbuf();
  if (in.bad()) throw InputError(SourceLoc{path, 0, ""}, "cannot read file");
  return text.str();
}

std::string read_input_file(const std::string& path) {
  std::string s = strip_bom(read_input_bytes(path));
  check_utf8(s, path);
  return s;
}

}  // namespace acv
