// init's capability step, in a forked child (needs root to have any).
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <functional>
#include <map>
#include <string>

#include <gtest/gtest.h>

#include "testing/test_env.h"
// init/ is not a library: its hardening code is compiled into this test once.
#include <linux/capability.h>
#include <linux/securebits.h>
#include <sys/syscall.h>

#include "init/harden_caps.h"

namespace vsb::init {
namespace {

// The Cap* lines of /proc/self/status, keyed by name ("CapEff" → hex).
std::map<std::string, std::string> CapLines() {
  std::map<std::string, std::string> caps;
  std::ifstream in("/proc/self/status");
  std::string key, value;
  while (in >> key) {
    std::getline(in, value);
    if (key.starts_with("Cap")) caps[key.substr(0, key.size() - 1)] = value.substr(value.find_first_not_of(" \t"));
  }
  return caps;
}

constexpr char kZero[] = "0000000000000000";

// Runs body in a child; returns its exit code (body's return value).
int InChild(const std::function<int()>& body) {
  pid_t pid = fork();
  if (pid == 0) _exit(body());
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 200;
}

bool AllZero() {
  auto c = CapLines();
  return c["CapEff"] == kZero && c["CapPrm"] == kZero && c["CapBnd"] == kZero &&
         c["CapInh"] == kZero && c["CapAmb"] == kZero;
}

TEST(DropCapabilities, AsRootEmptiesEverySet) {
  VSB_REQUIRE(testing::MissingRoot());
  EXPECT_EQ(InChild([] {
              if (DropCapabilities(false) != 0) return 1;
              if (!AllZero()) return 2;
              // Securebits locked: NOROOT means uid 0 gains nothing at exec.
              if (!(prctl(PR_GET_SECUREBITS) & SECBIT_NOROOT)) return 3;
              return 0;
            }), 0);
}

TEST(DropCapabilities, AfterSetresuidWithKeepCaps) {
  VSB_REQUIRE(testing::MissingRoot());
  EXPECT_EQ(InChild([] {
              if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0) return 1;
              if (setresgid(65534, 65534, 65534) != 0 || setresuid(65534, 65534, 65534) != 0) return 2;
              if (DropCapabilities(false) != 0) return 3;
              if (!AllZero()) return 4;
              return 0;
            }), 0);
}

// The contract: without CAP_SETPCAP the bounding set cannot be emptied, and
// the call says so instead of pretending.
TEST(DropCapabilities, FailsClosedWhenTheBoundingSetCannotBeDropped) {
  VSB_REQUIRE(testing::MissingRoot());
  EXPECT_EQ(InChild([] {
              if (setresuid(65534, 65534, 65534) != 0) return 1;
              return DropCapabilities(false) == EPERM ? 0 : 2;
            }), 0);
}

TEST(DropCapabilities, KeepClearsOnlyAmbientAndInheritable) {
  VSB_REQUIRE(testing::MissingRoot());
  EXPECT_EQ(InChild([] {
              if (DropCapabilities(true) != 0) return 1;
              auto c = CapLines();
              if (c["CapEff"] == kZero || c["CapBnd"] == kZero) return 2;
              if (c["CapInh"] != kZero || c["CapAmb"] != kZero) return 3;
              return 0;
            }), 0);
}

}  // namespace
}  // namespace vsb::init
