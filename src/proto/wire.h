// Wire: a minimal bounded encoder/decoder for plain records.
//
// Integers are little-endian fixed width; strings and byte blobs are a u32
// length then the bytes. The decoder never reads past its buffer and fails
// sticky: after the first short read every getter returns empty values and
// ok() is false. It is the codec of every record that crosses a trust
// boundary (launcher ↔ init, host ↔ guest), so it is fuzzed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vsb::proto {

class WireWriter {
 public:
  void U8(uint8_t v) { buf_.push_back(static_cast<char>(v)); }
  void U32(uint32_t v);
  void I32(int32_t v) { U32(static_cast<uint32_t>(v)); }
  void U64(uint64_t v);
  void Bytes(std::string_view s);
  void StringList(const std::vector<std::string>& list);
  const std::string& data() const { return buf_; }

 private:
  std::string buf_;
};

class WireReader {
 public:
  // limit bounds every single length field (strings, lists).
  WireReader(std::string_view data, uint32_t limit = 1u << 24) : data_(data), limit_(limit) {}
  uint8_t U8();
  uint32_t U32();
  int32_t I32() { return static_cast<int32_t>(U32()); }
  uint64_t U64();
  std::string Bytes();
  std::vector<std::string> StringList();
  bool ok() const { return ok_; }
  bool at_end() const { return pos_ == data_.size(); }

 private:
  bool Take(size_t n, const char** out);
  std::string_view data_;
  size_t pos_ = 0;
  uint32_t limit_;
  bool ok_ = true;
};

}  // namespace vsb::proto
