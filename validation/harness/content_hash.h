// SHA-256 content hashes for the result cache: streamed text and bytes in, lowercase hex out.
#pragma once

#include <array>
#include <cstdint>
#include <string>

namespace acv {

// Incremental SHA-256 (FIPS 180-4). Cache keys must not collide across thousands of
// results and years of edits, so a cryptographic hash rather than FNV.
class ContentHasher {
 public:
  ContentHasher();
  // Feeds raw bytes.
  ContentHasher& add(const void* data, std::size_t size);
  // Feeds a length-prefixed field, so ("ab","c") and ("a","bc") hash differently.
  ContentHasher& field(const std::string& text);
  // Contract: finishes the hash; the hasher must not be used afterwards.
  std::string hex();

 private:
  void block(const uint8_t* p);
  std::array<uint32_t, 8> state_;
  std::array<uint8_t, 64> buffer_{};
  std::size_t buffered_ = 0;
  uint64_t total_bytes_ = 0;
};

std::string sha256_hex(const std::string& text);

}  // namespace acv
