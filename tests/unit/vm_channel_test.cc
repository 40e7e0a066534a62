// The host↔guest channel codec: frames round-trip, split reads reassemble,
// and malformed input is rejected (never trusted, never resynchronised).
#include <gtest/gtest.h>

#include <cerrno>

#include "proto/channel.h"

namespace vsb::proto {
namespace {

TEST(VmChannel, FramesRoundTripAcrossArbitrarySplits) {
  std::string stream;
  AppendFrame(&stream, MsgType::kHello, EncodeU32(kChannelVersion));
  AppendFrame(&stream, MsgType::kStdout, std::string(100000, 'x'));
  AppendFrame(&stream, MsgType::kStdinEof, "");
  for (size_t step : {1u, 7u, 4096u, 1000000u}) {
    FrameDecoder d;
    std::vector<Frame> got;
    for (size_t i = 0; i < stream.size(); i += step) {
      d.Feed(std::string_view(stream).substr(i, step));
      while (auto f = d.Next()) got.push_back(*f);
    }
    ASSERT_EQ(got.size(), 3u) << "step " << step;
    EXPECT_EQ(got[0].type, MsgType::kHello);
    EXPECT_EQ(DecodeU32(got[0].payload), kChannelVersion);
    EXPECT_EQ(got[1].payload, std::string(100000, 'x'));
    EXPECT_EQ(got[2].type, MsgType::kStdinEof);
    EXPECT_TRUE(got[2].payload.empty());
    EXPECT_FALSE(d.failed());
    EXPECT_EQ(d.buffered(), 0u);
  }
}

TEST(VmChannel, RejectsUnknownTypeReservedBytesAndOversizedFrames) {
  auto header = [](uint8_t type, uint8_t reserved, uint32_t len) {
    std::string h = {static_cast<char>(type), static_cast<char>(reserved), 0, 0};
    for (int i = 0; i < 4; ++i) h.push_back(static_cast<char>(len >> (8 * i)));
    return h;
  };
  for (const std::string& bad : {header(0, 0, 0), header(kMaxMsgType + 1, 0, 0),
                                 header(1, 1, 0), header(7, 0, kMaxPayload + 1)}) {
    FrameDecoder d;
    d.Feed(bad);
    EXPECT_FALSE(d.Next());
    EXPECT_TRUE(d.failed());
    // Poisoned for good: a valid frame afterwards is not accepted either.
    d.Feed(EncodeFrame(MsgType::kQuit, ""));
    EXPECT_FALSE(d.Next());
  }
}

TEST(VmChannel, IncompleteFrameWaitsForMoreBytes) {
  FrameDecoder d;
  std::string f = EncodeFrame(MsgType::kStderr, "hello");
  d.Feed(f.substr(0, f.size() - 1));
  EXPECT_FALSE(d.Next());
  EXPECT_FALSE(d.failed());
  d.Feed(f.substr(f.size() - 1));
  auto got = d.Next();
  ASSERT_TRUE(got);
  EXPECT_EQ(got->payload, "hello");
}

TEST(VmChannel, GuestSetupRoundTripsAndRejectsRelativeTargets) {
  GuestSetup s;
  s.mounts.push_back({GuestMount::k9p, "vsb1", "/data", false, 0});
  s.mounts.push_back({GuestMount::kTmpfs, "", "/scratch", false, 1 << 20});
  s.mounts.push_back({GuestMount::kBlock, "disk0", "/img", true, 0});
  s.hostname = "box";
  auto d = GuestSetup::Decode(s.Encode());
  ASSERT_TRUE(d);
  EXPECT_EQ(*d, s);
  s.mounts[0].target = "relative";
  EXPECT_FALSE(GuestSetup::Decode(s.Encode()));
  std::string enc = GuestSetup{}.Encode();
  EXPECT_FALSE(GuestSetup::Decode(enc.substr(0, enc.size() - 1)));
  EXPECT_FALSE(GuestSetup::Decode(enc + "x"));
}

TEST(VmChannel, ExitReportRoundTripsAndRejectsBadKinds) {
  InitReport r;
  MakeReport(&r, InitReport::kExecFailed, 0, ENOENT, "execute", "/nope");
  auto d = DecodeExit(EncodeExit(r));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->kind, InitReport::kExecFailed);
  EXPECT_EQ(d->sys_errno, ENOENT);
  EXPECT_STREQ(d->step, "execute /nope");
  r.kind = 99;
  EXPECT_FALSE(DecodeExit(EncodeExit(r)));
  EXPECT_FALSE(DecodeExit("abc"));
}

TEST(VmChannel, WinsizeAndU32RejectTrailingBytes) {
  uint16_t rows = 0, cols = 0;
  ASSERT_TRUE(DecodeWinsize(EncodeWinsize(40, 132), &rows, &cols));
  EXPECT_EQ(rows, 40);
  EXPECT_EQ(cols, 132);
  EXPECT_FALSE(DecodeWinsize(EncodeWinsize(1, 2) + "x", &rows, &cols));
  EXPECT_FALSE(DecodeU32(EncodeU32(5) + "x"));
}

}  // namespace
}  // namespace vsb::proto
