// init's Landlock step, in a forked child: after ApplyLandlock({dir}) writes
// beneath dir and /dev work, writes anywhere else fail with EACCES.
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <functional>
#include <string>

#include <gtest/gtest.h>

// init/ is not a library: its hardening code is compiled into this test once.
#include "init/harden_landlock.h"

namespace vsb::init {
namespace {

// Runs body() in a child after no_new_privs + ApplyLandlock(writable);
// returns body's result (an errno or 0), or -100 - ApplyLandlock's errno.
int RunLandlocked(const std::vector<std::string>& writable, const std::function<int()>& body) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return -1;
  pid_t pid = fork();
  if (pid == 0) {
    int result = -1;
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0) {
      int err = ApplyLandlock(writable);
      result = err != 0 ? -100 - err : body();
    }
    (void)!write(fds[1], &result, sizeof result);
    _exit(0);
  }
  close(fds[1]);
  int result = -1;
  if (read(fds[0], &result, sizeof result) != sizeof result) result = -2;
  close(fds[0]);
  waitpid(pid, nullptr, 0);
  return result;
}

int CreateFile(const std::string& path) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return errno;
  close(fd);
  return 0;
}

struct TempDir {
  TempDir() {
    char tmpl[] = "/tmp/vsb-landlock-XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~TempDir() { (void)!std::system(("rm -rf " + path).c_str()); }
  std::string path;
};

class Landlock : public ::testing::Test {
 protected:
  void SetUp() override {
    if (LandlockAbi() == 0) GTEST_SKIP() << "kernel has no Landlock (ABI 0)";
  }
};

TEST_F(Landlock, WritesOnlyBeneathWritablePaths) {
  TempDir allowed, other;
  // A file that exists before: opening it for writing is denied too.
  ASSERT_EQ(CreateFile(other.path + "/existing"), 0);
  std::string a = allowed.path, o = other.path;
  EXPECT_EQ(RunLandlocked({a}, [&] { return CreateFile(a + "/new"); }), 0);
  EXPECT_EQ(RunLandlocked({a}, [&] { return mkdir((a + "/sub").c_str(), 0700) == 0 ? 0 : errno; }), 0);
  EXPECT_EQ(RunLandlocked({a}, [&] { return CreateFile(o + "/new"); }), EACCES);
  EXPECT_EQ(RunLandlocked({a}, [&] { return CreateFile(o + "/existing"); }), EACCES);
  EXPECT_EQ(RunLandlocked({a}, [&] { return unlink((o + "/existing").c_str()) == 0 ? 0 : errno; }), EACCES);
  EXPECT_EQ(RunLandlocked({a}, [&] { return truncate((o + "/existing").c_str(), 0) == 0 ? 0 : errno; }), EACCES);
  // Moving a file out of the writable tree is a write elsewhere (EACCES:
  // the target lacks MAKE_REG; with it, REFER would still say EXDEV).
  ASSERT_EQ(CreateFile(a + "/move-me"), 0);
  EXPECT_EQ(RunLandlocked({a}, [&] {
              return rename((a + "/move-me").c_str(), (o + "/moved").c_str()) == 0 ? 0 : errno;
            }), EACCES);
  // Reads stay allowed everywhere.
  EXPECT_EQ(RunLandlocked({a}, [&] {
              int fd = open((o + "/existing").c_str(), O_RDONLY | O_CLOEXEC);
              if (fd < 0) return errno;
              close(fd);
              return 0;
            }), 0);
}

TEST_F(Landlock, DevStaysUsable) {
  EXPECT_EQ(RunLandlocked({}, [] {
              int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
              if (fd < 0) return errno;
              int rc = write(fd, "x", 1) == 1 ? 0 : errno;
              close(fd);
              return rc;
            }), 0);
}

TEST_F(Landlock, WritableFileAndMissingPaths) {
  TempDir d;
  std::string file = d.path + "/log";
  ASSERT_EQ(CreateFile(file), 0);
  // A writable regular file gets file rights only (a directory right would
  // make the kernel reject the rule); a missing path is skipped.
  EXPECT_EQ(RunLandlocked({file, "/nonexistent/dir"}, [&] {
              int fd = open(file.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
              if (fd < 0) return errno;
              close(fd);
              return 0;
            }), 0);
  EXPECT_EQ(RunLandlocked({file}, [&] { return CreateFile(d.path + "/other"); }), EACCES);
}

}  // namespace
}  // namespace vsb::init
