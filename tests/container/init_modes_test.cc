// PID 1 comes two ways (src/container/child/child_main.cc): in the clone3
// child itself when the launcher is single-threaded (the CLI), or by exec'ing
// virt-sandbox-init when a multi-threaded library caller forbids running
// allocating code after clone3. Both must run the command the same way, and
// the in-process PID 1, which holds a copy of the launcher's memory, must be
// unreadable to the command.
#include <gtest/gtest.h>
#include <unistd.h>

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "testing/test_env.h"
#include "virt-sandbox/sandbox.h"

namespace vsb::testing {
namespace {

TEST(InitModes, InProcessInitHidesTheLauncherMemoryFromTheCommand) {
  VSB_REQUIRE(MissingRoot());
  // A secret in the launcher's environment: filtered out of the command's
  // environment, and it must not be readable through PID 1 either.
  setenv("VSB_TEST_LAUNCHER_SECRET", "s3cr3t-value", 1);
  CliRun run = RunCli({"--", "/bin/sh", "-c",
                       "cat /proc/1/environ /proc/1/cmdline >/dev/null 2>&1 && echo environ-readable;"
                       "head -c1 /proc/1/mem >/dev/null 2>&1 && echo mem-readable;"
                       "readlink /proc/1/exe >/dev/null 2>&1 && echo exe-readable;"
                       "cat /proc/1/comm; env | grep -c VSB_TEST_LAUNCHER_SECRET"});
  unsetenv("VSB_TEST_LAUNCHER_SECRET");
  EXPECT_EQ(run.status, 1) << run.err;  // grep -c found nothing
  EXPECT_EQ(run.out, "virt-sandbox-in\n0\n") << "PID 1 must be non-dumpable and named as init";
}

TEST(InitModes, MultiThreadedLibraryCallerExecsInitAndGetsTheSameResult) {
  VSB_REQUIRE(MissingRoot());
  // A second thread makes the caller multi-threaded for the whole run.
  std::mutex m;
  std::condition_variable cv;
  bool done = false;
  std::thread other([&] {
    std::unique_lock lock(m);
    cv.wait(lock, [&] { return done; });
  });
  int out[2];
  ASSERT_EQ(pipe(out), 0);
  SandboxConfig config;
  config.command = {"/bin/sh", "-c", "cat /proc/1/comm; exit 3"};
  config.tty = TtyMode::kNever;
  RunResult result = vsb::Run(config, Stdio{0, out[1], 2});
  close(out[1]);
  {
    std::lock_guard lock(m);
    done = true;
  }
  cv.notify_one();
  other.join();
  char buf[256];
  ssize_t n = read(out[0], buf, sizeof buf);
  close(out[0]);
  ASSERT_FALSE(result.error) << result.error->message();
  EXPECT_EQ(result.ExitStatus(), 3);
  EXPECT_EQ(std::string(buf, n > 0 ? n : 0), "virt-sandbox-in\n");
}

}  // namespace
}  // namespace vsb::testing
