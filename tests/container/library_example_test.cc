// The library example in examples/ is built and runs a real sandbox.
#include <gtest/gtest.h>

#include "testing/test_env.h"

namespace vsb::testing {
namespace {

TEST(LibraryExample, RunsACommandThroughThePublicApi) {
  VSB_REQUIRE(MissingRoot());
  CliRun run = RunProgram({BuildPath("examples/run_sandbox_example")});
  EXPECT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(run.out, "hello from example\n");
}

}  // namespace
}  // namespace vsb::testing
