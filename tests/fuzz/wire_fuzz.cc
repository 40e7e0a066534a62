// libFuzzer target: the launcher→init spec decoder (proto::InitSpec::Decode
// over the bounded WireReader). Init decodes this record before anything
// else; a crash, hang or overread here is a crash of PID 1.
// Also checks the round trip: whatever decodes must re-encode to bytes that
// decode to the same spec.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "proto/init_spec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto spec = vsb::proto::InitSpec::Decode(in);
  if (!spec) return 0;
  auto again = vsb::proto::InitSpec::Decode(spec->Encode());
  if (!again || !(*again == *spec)) __builtin_trap();
  return 0;
}
