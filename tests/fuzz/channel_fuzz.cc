// libFuzzer target: the host↔guest channel (proto/channel.h). The host parses
// whatever the guest writes, and the guest is untrusted: frames, SETUP, EXIT,
// WINSIZE and u32 payloads must be rejected or decoded, never crash.
// The first input byte picks a chunk size, so frames split across Feed()
// calls at every offset are exercised too.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "proto/channel.h"

using namespace vsb::proto;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  size_t chunk = 1 + data[0] % 64;
  std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);

  FrameDecoder decoder;
  for (size_t off = 0; off < in.size() && !decoder.failed(); off += chunk) {
    decoder.Feed(in.substr(off, chunk));
    while (auto frame = decoder.Next()) {
      if (frame->payload.size() > kMaxPayload) __builtin_trap();
      switch (frame->type) {
        case MsgType::kSetup:
          if (auto s = GuestSetup::Decode(frame->payload)) {
            auto again = GuestSetup::Decode(s->Encode());
            if (!again || !(*again == *s)) __builtin_trap();
          }
          break;
        case MsgType::kSpec:
          (void)InitSpec::Decode(frame->payload);
          break;
        case MsgType::kExit:
          (void)DecodeExit(frame->payload);
          break;
        case MsgType::kWinsize: {
          uint16_t rows = 0, cols = 0;
          (void)DecodeWinsize(frame->payload, &rows, &cols);
          break;
        }
        default:
          (void)DecodeU32(frame->payload);
          break;
      }
    }
  }
  return 0;
}
