// Issue 2 I/O contract without a terminal: stdout and stderr reach the
// caller intact and apart (100 MiB each, checked byte for byte against the
// same generator), and stdin is handed through up to EOF.
#include <gtest/gtest.h>

#include "probe/data_stream.h"
#include "probe/probe_support.h"

namespace vsb::testing {
namespace {

std::string Expected(size_t bytes, uint64_t seed) {
  std::string s(bytes, '\0');
  vsb_stream st;
  vsb_stream_init(&st, seed);
  for (size_t off = 0; off < bytes; off += 1 << 16)
    vsb_stream_fill(&st, reinterpret_cast<unsigned char*>(s.data()) + off, 1 << 16);
  return s;
}

// Where two byte strings first differ, for a readable failure.
std::string FirstDifference(const std::string& a, const std::string& b) {
  size_t i = 0;
  while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
  return "sizes " + std::to_string(a.size()) + " vs " + std::to_string(b.size()) +
         ", first difference at byte " + std::to_string(i);
}

class StdioTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { VSB_REQUIRE(MissingEngine(GetParam())); }
};

TEST_P(StdioTest, HundredMegabytesOnStdoutAndStderrIntactAndApart) {
  constexpr size_t kMiB = 100;
  HostSnapshot before = TakeHostSnapshot();
  CliRun run = RunSandboxed(GetParam(), {}, {ProbePath("vsb-probe-data"), std::to_string(kMiB), "1", "2"},
                            "", 300);
  EXPECT_EQ(run.status, 0) << "exit " << run.status << " stderr head: " << run.err.substr(0, 200);
  std::string out = Expected(kMiB << 20, 1), err = Expected(kMiB << 20, 2);
  EXPECT_TRUE(run.out == out) << "stdout: " << FirstDifference(run.out, out);
  EXPECT_TRUE(run.err == err) << "stderr: " << FirstDifference(run.err, err);
  ExpectNoLeftovers(before);
}

TEST_P(StdioTest, StdinIsPassedThroughToEof) {
  std::string input = Expected(4 << 20, 3);
  CliRun run = RunSandboxed(GetParam(), {}, {"/bin/cat"}, input);
  EXPECT_EQ(run.status, 0) << Describe(run);
  EXPECT_TRUE(run.out == input) << FirstDifference(run.out, input);
  // An empty stdin is an immediate EOF, not a hang.
  CliRun empty = RunSandboxed(GetParam(), {}, {"/bin/cat"}, "", 30);
  EXPECT_EQ(empty.status, 0) << Describe(empty);
  EXPECT_EQ(empty.out, "");
  CliRun wc = RunSandboxed(GetParam(), {}, {"/usr/bin/wc", "-c"}, "hello\n");
  EXPECT_EQ(wc.out, "6\n") << Describe(wc);
}

INSTANTIATE_TEST_SUITE_P(Engines, StdioTest, ::testing::ValuesIn(kBehaviourEngines), EngineName);

}  // namespace
}  // namespace vsb::testing
