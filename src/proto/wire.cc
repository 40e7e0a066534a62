#include "proto/wire.h"

#include <cstring>

namespace vsb::proto {

void WireWriter::U32(uint32_t v) {
  for (int i = 0; i < 4; ++i) buf_.push_back(static_cast<char>(v >> (8 * i)));
}

void WireWriter::U64(uint64_t v) {
  for (int i = 0; i < 8; ++i) buf_.push_back(static_cast<char>(v >> (8 * i)));
}

void WireWriter::Bytes(std::string_view s) {
  U32(static_cast<uint32_t>(s.size()));
  buf_.append(s);
}

void WireWriter::StringList(const std::vector<std::string>& list) {
  U32(static_cast<uint32_t>(list.size()));
  for (const auto& s : list) Bytes(s);
}

bool WireReader::Take(size_t n, const char** out) {
  if (!ok_ || n > data_.size() - pos_) {
    ok_ = false;
    return false;
  }
  *out = data_.data() + pos_;
  pos_ += n;
  return true;
}

uint8_t WireReader::U8() {
  const char* p;
  return Take(1, &p) ? static_cast<uint8_t>(*p) : 0;
}

uint32_t WireReader::U32() {
  const char* p;
  if (!Take(4, &p)) return 0;
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(static_cast<uint8_t>(p[i])) << (8 * i);
  return v;
}

uint64_t WireReader::U64() {
  const char* p;
  if (!Take(8, &p)) return 0;
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(static_cast<uint8_t>(p[i])) << (8 * i);
  return v;
}

std::string WireReader::Bytes() {
  uint32_t n = U32();
  const char* p;
  if (n > limit_) ok_ = false;
  if (!Take(n, &p)) return {};
  return std::string(p, n);
}

std::vector<std::string> WireReader::StringList() {
  uint32_t n = U32();
  std::vector<std::string> out;
  // Each element needs at least its 4-byte length: bounds the allocation.
  if (n > limit_ || n > (data_.size() - pos_) / 4) {
    ok_ = false;
    return out;
  }
  out.reserve(n);
  for (uint32_t i = 0; i < n && ok_; ++i) out.push_back(Bytes());
  if (!ok_) out.clear();
  return out;
}

}  // namespace vsb::proto
