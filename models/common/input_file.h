// Reading the files a user brings (workloads, configs, descriptions, suites, results): one place
// that refuses what is not a readable file, or not UTF-8 text where text is expected.
#pragma once

#include <cstddef>
#include <string>

namespace acv {

// Contract: the file's text without a UTF-8 byte-order mark. Throws InputError naming the file
// when it does not exist, is a directory or not a regular file, cannot be read, or is not UTF-8.
std::string read_input_file(const std::string& path);

// Contract: the file's bytes as they are (binary inputs: ONNX models). Throws InputError naming
// the file when it does not exist, is a directory or not a regular file, or cannot be read.
std::string read_input_bytes(const std::string& path);

// Offset of the first byte that does not start a well-formed UTF-8 sequence; npos when the text is UTF-8.
std::size_t utf8_error_offset(const std::string& text);

// Contract: throws InputError "file:line: not UTF-8 text (byte offset N)" at the first byte
// sequence that is not well-formed UTF-8 (overlong forms and surrogates included).
void check_utf8(const std::string& text, const std::string& file);

// The text without a leading UTF-8 byte-order mark (editors on Windows write one).
std::string strip_bom(const std::string& text);

}  // namespace acv
