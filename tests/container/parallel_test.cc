// Issue 2: 50 sandboxes in parallel without collision: every run succeeds,
// every one gets its own name (the default hostname), all write into one
// shared host-bind, and nothing is left behind.
#include <filesystem>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "probe/probe_support.h"

namespace vsb::testing {
namespace {

class ParallelTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { VSB_REQUIRE(MissingRoot()); }
};

TEST_P(ParallelTest, FiftySandboxesDoNotCollide) {
  constexpr int kRuns = 50;
  std::string shared = BuildPath("tests/" + UniqueMarker("parallel"));
  std::filesystem::create_directories(shared);
  HostSnapshot before = TakeHostSnapshot();
  std::vector<CliRun> runs(kRuns);
  std::vector<std::thread> threads;
  for (int i = 0; i < kRuns; ++i)
    threads.emplace_back([&, i] {
      runs[i] = RunSandboxed(GetParam(), {"-m", "host-bind:/srv=" + shared, "-m", "host-bind:/media="},
                             {"/bin/sh", "-c",
                              "h=$(hostname); echo $h > /srv/$h-" + std::to_string(i) +
                                  " && echo $h > /media/name && cat /media/name"},
                             "", 180);
    });
  for (auto& t : threads) t.join();
  std::set<std::string> names;
  for (int i = 0; i < kRuns; ++i) {
    EXPECT_EQ(runs[i].status, 0) << "run " << i << ": " << Describe(runs[i]);
    names.insert(runs[i].out);
  }
  EXPECT_EQ(names.size(), static_cast<size_t>(kRuns)) << "sandbox names collided";
  size_t files = std::distance(std::filesystem::directory_iterator(shared), {});
  EXPECT_EQ(files, static_cast<size_t>(kRuns));
  std::filesystem::remove_all(shared);
  ExpectNoLeftovers(before, 10000);
}

INSTANTIATE_TEST_SUITE_P(Engines, ParallelTest, ::testing::ValuesIn(kEnabledEngines), EngineName);

}  // namespace
}  // namespace vsb::testing
