// Issue 2 "What it must show": every exit-status case of the contract, with
// no leftovers after each: the command's code, 128+N for signal N, 124 for
// --timeout, 125 for a sandbox that could not be set up (one stderr line),
// 126 not executable, 127 not found; and signals to the launcher forwarded.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "probe/probe_support.h"

namespace vsb::testing {
namespace {

class ExitStatusTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { VSB_REQUIRE(MissingEngine(GetParam())); }
  // Runs and checks the status and that the host is as before.
  CliRun Expect(const std::vector<std::string>& options, const std::vector<std::string>& command,
                int status) {
    HostSnapshot before = TakeHostSnapshot();
    CliRun run = RunSandboxed(GetParam(), options, command);
    EXPECT_EQ(run.status, status) << Describe(run);
    ExpectNoLeftovers(before);
    return run;
  }
};

TEST_P(ExitStatusTest, Success) {
  CliRun run = Expect({}, {"/bin/true"}, 0);
  EXPECT_EQ(run.err, "");
}

TEST_P(ExitStatusTest, CommandExitCode) { Expect({}, {"/bin/sh", "-c", "exit 7"}, 7); }

TEST_P(ExitStatusTest, KilledBySignal) {
  Expect({}, {"/bin/sh", "-c", "kill -9 $$"}, 128 + 9);
  Expect({}, {"/bin/sh", "-c", "kill -SEGV $$"}, 128 + 11);
}

TEST_P(ExitStatusTest, Timeout) { Expect({"--timeout", "1"}, {"/bin/sleep", "30"}, 124); }

// A host-bind whose source does not exist cannot be set up: 125 and exactly
// one line on stderr, "virt-sandbox: ...".
TEST_P(ExitStatusTest, SetupFailure) {
  CliRun run = Expect({"-m", "host-bind:/srv=/nonexistent/" + UniqueMarker("src")}, {"/bin/true"}, 125);
  EXPECT_EQ(run.err.rfind("virt-sandbox:", 0), 0u) << run.err;
  EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
  EXPECT_EQ(run.out, "");
}

TEST_P(ExitStatusTest, NotExecutable) {
  CliRun run = Expect({}, {"/etc/passwd"}, 126);
  EXPECT_NE(run.err.find("/etc/passwd"), std::string::npos) << "the message names the command";
}

TEST_P(ExitStatusTest, NotFound) {
  CliRun run = Expect({}, {"/nonexistent"}, 127);
  EXPECT_NE(run.err.find("/nonexistent"), std::string::npos) << "the message names the command";
  Expect({}, {"no-such-command-" + UniqueMarker("cmd")}, 127);
}

// Starts `script` under sh in the background with its output in a log, and
// waits until the script has printed `marker` (in a VM the command is not a
// host process, so its own output is the only sign that it runs).
pid_t SpawnAndWait(const std::string& uri, const std::vector<std::string>& options,
                   const std::string& script, const std::string& marker, const std::string& log) {
  std::vector<std::string> args = {"-c", uri};
  args.insert(args.end(), options.begin(), options.end());
  args.insert(args.end(), {"--", "/bin/sh", "-c", script});
  pid_t launcher = SpawnCli(args, log);
  if (launcher > 0 && !WaitFor([&] { return ReadText(log).find(marker + "\n") != std::string::npos; }, 90000))
    ADD_FAILURE() << "the sandboxed command never started: " << ReadText(log);
  return launcher;
}

// SIGTERM to the launcher reaches the command, which dies of it: 143.
TEST_P(ExitStatusTest, TermIsForwarded) {
  HostSnapshot before = TakeHostSnapshot();
  std::string marker = UniqueMarker("term"), log = "/tmp/" + marker + ".log";
  pid_t launcher = SpawnAndWait(GetParam(), {}, "echo " + marker + "; sleep 30", marker, log);
  ASSERT_GT(launcher, 0);
  kill(launcher, SIGTERM);
  int st = 0;
  ASSERT_EQ(waitpid(launcher, &st, 0), launcher);
  EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 128 + SIGTERM) << "wait status " << st << ": " << ReadText(log);
  unlink(log.c_str());
  ExpectNoLeftovers(before);
}

// SIGINT reaches the command's whole process group, as Ctrl-C in a terminal
// would: the command's child traps it and answers. Sent only to the command,
// the child would loop until --timeout (124).
TEST_P(ExitStatusTest, IntReachesTheCommandsProcessGroup) {
  std::string marker = UniqueMarker("intgroup"), log = "/tmp/" + marker + ".log";
  pid_t launcher = SpawnAndWait(GetParam(), {"--timeout", "60"},
                                "/bin/sh -c 'trap \"echo got-int; exit 0\" INT; echo " + marker +
                                    "; while :; do sleep 0.1; done'",
                                marker, log);
  ASSERT_GT(launcher, 0);
  kill(launcher, SIGINT);
  int st = 0;
  ASSERT_EQ(waitpid(launcher, &st, 0), launcher);
  ASSERT_TRUE(WIFEXITED(st)) << "wait status " << st;
  EXPECT_NE(WEXITSTATUS(st), 124) << "the child never saw SIGINT: " << ReadText(log);
  EXPECT_NE(ReadText(log).find("got-int"), std::string::npos) << ReadText(log);
  unlink(log.c_str());
}

INSTANTIATE_TEST_SUITE_P(Engines, ExitStatusTest, ::testing::ValuesIn(kBehaviourEngines), EngineName);

}  // namespace
}  // namespace vsb::testing
