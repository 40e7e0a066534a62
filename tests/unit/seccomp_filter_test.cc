// The compiled default and privileged profiles, loaded by init's LoadSeccomp
// in a forked child: every rule of data/seccomp/default.policy is tried and
// must fail with its errno, and ordinary work must still succeed.
//
// Probes pass invalid pointers or descriptors (bubblewrap's try-syscall
// method): a call the filter lets through fails with EFAULT/EBADF/EINVAL and
// changes nothing, so "EPERM" can only come from the filter.
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "host/seccomp_program.h"
#include "testing/test_env.h"
// init/ is not a library: its hardening code is compiled into this test once.
#include "init/harden_seccomp.h"

namespace vsb {
namespace {

constexpr int kKilled = -1000;  // child ended by a signal: kKilled - signo

// Runs probe() in a forked child that first loads `bpf` (after no_new_privs,
// as init does) and returns what the probe returned: an errno, 0 on success.
int RunFiltered(const std::string& bpf, const std::function<int()>& probe) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return -1;
  pid_t pid = fork();
  if (pid == 0) {
    setsid();  // no controlling tty: vhangup/TIOCSTI cannot touch the runner's
    int result = prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ? -2 : init::LoadSeccomp(bpf);
    if (result == 0) result = probe();
    else result = -3;
    (void)!write(fds[1], &result, sizeof result);
    _exit(0);
  }
  close(fds[1]);
  int result = -1;
  ssize_t n = read(fds[0], &result, sizeof result);
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (WIFSIGNALED(status)) return kKilled - WTERMSIG(status);
  return n == sizeof result ? result : -1;
}

// errno of a raw syscall, 0 when it succeeded.
int Err(long rc) { return rc < 0 ? errno : 0; }

std::string Profile(const char* name) {
  auto bpf = host::LoadSeccompProgram(name, std::string(name) == "privileged", VSB_BINARY_DIR);
  return bpf ? *bpf : std::string();
}

class DefaultProfile : public ::testing::Test {
 protected:
  void SetUp() override {
    bpf_ = Profile("default");
    ASSERT_FALSE(bpf_.empty()) << "build the seccomp_profiles target first";
  }
  int Run(const std::function<int()>& probe) { return RunFiltered(bpf_, probe); }
  std::string bpf_;
};

struct Probe {
  const char* name;
  int expected;
  std::function<int()> call;
};

TEST_F(DefaultProfile, DeniesEveryListedSyscall) {
  const unsigned long kHigh = 1ull << 32;
  const Probe probes[] = {
      {"init_module", EPERM, [] { return Err(syscall(SYS_init_module, nullptr, 0, nullptr)); }},
      {"finit_module", EPERM, [] { return Err(syscall(SYS_finit_module, -1, nullptr, 0)); }},
      {"delete_module", EPERM, [] { return Err(syscall(SYS_delete_module, nullptr, 0)); }},
      {"kexec_load", EPERM, [] { return Err(syscall(SYS_kexec_load, 0, 0, nullptr, 0)); }},
      {"kexec_file_load", EPERM, [] { return Err(syscall(SYS_kexec_file_load, -1, -1, 0, nullptr, 0)); }},
      {"reboot", EPERM, [] { return Err(syscall(SYS_reboot, 0, 0, 0, nullptr)); }},
      {"swapon", EPERM, [] { return Err(syscall(SYS_swapon, nullptr, 0)); }},
      {"swapoff", EPERM, [] { return Err(syscall(SYS_swapoff, nullptr)); }},
      {"acct", EPERM, [] { return Err(syscall(SYS_acct, reinterpret_cast<void*>(1))); }},
      {"quotactl", EPERM, [] { return Err(syscall(SYS_quotactl, 0, nullptr, 0, nullptr)); }},
      {"quotactl_fd", EPERM, [] { return Err(syscall(SYS_quotactl_fd, -1, 0, 0, nullptr)); }},
      {"syslog", EPERM, [] { return Err(syscall(SYS_syslog, 10, nullptr, 0)); }},
      {"lookup_dcookie", EPERM, [] { return Err(syscall(SYS_lookup_dcookie, 0, nullptr, 0)); }},
      {"nfsservctl", EPERM, [] { return Err(syscall(SYS_nfsservctl, 0, nullptr, nullptr)); }},
      {"uselib", EPERM, [] { return Err(syscall(SYS_uselib, nullptr)); }},
      {"vhangup", EPERM, [] { return Err(syscall(SYS_vhangup)); }},
      {"iopl", EPERM, [] { return Err(syscall(SYS_iopl, 0)); }},
      {"ioperm", EPERM, [] { return Err(syscall(SYS_ioperm, 0, 0, 0)); }},
      {"modify_ldt", EPERM, [] { return Err(syscall(SYS_modify_ldt, 0, nullptr, 0)); }},
      {"settimeofday", EPERM, [] { return Err(syscall(SYS_settimeofday, nullptr, reinterpret_cast<void*>(1))); }},
      {"clock_settime", EPERM, [] { return Err(syscall(SYS_clock_settime, 0, nullptr)); }},
      {"clock_adjtime", EPERM, [] { return Err(syscall(SYS_clock_adjtime, 0, nullptr)); }},
      {"adjtimex", EPERM, [] { return Err(syscall(SYS_adjtimex, nullptr)); }},
      {"bpf", EPERM, [] { return Err(syscall(SYS_bpf, -1, nullptr, 0)); }},
      {"perf_event_open", EPERM, [] { return Err(syscall(SYS_perf_event_open, nullptr, 0, -1, -1, 0)); }},
      {"userfaultfd", EPERM, [] { return Err(syscall(SYS_userfaultfd, -1)); }},
      {"io_uring_setup", ENOSYS, [] { return Err(syscall(SYS_io_uring_setup, 0, nullptr)); }},
      {"io_uring_enter", ENOSYS, [] { return Err(syscall(SYS_io_uring_enter, -1, 0, 0, 0, nullptr, 0)); }},
      {"io_uring_register", ENOSYS, [] { return Err(syscall(SYS_io_uring_register, -1, 0, nullptr, 0)); }},
      {"keyctl", EPERM, [] { return Err(syscall(SYS_keyctl, 0, 0, 0, 0, 0)); }},
      {"add_key", EPERM, [] { return Err(syscall(SYS_add_key, nullptr, nullptr, nullptr, 0, 0)); }},
      {"request_key", EPERM, [] { return Err(syscall(SYS_request_key, nullptr, nullptr, nullptr, 0)); }},
      {"open_by_handle_at", EPERM, [] { return Err(syscall(SYS_open_by_handle_at, -1, nullptr, 0)); }},
      {"name_to_handle_at", EPERM, [] { return Err(syscall(SYS_name_to_handle_at, -1, nullptr, nullptr, nullptr, 0)); }},
      {"ptrace", EPERM, [] { return Err(syscall(SYS_ptrace, 12 /*GETREGS*/, getppid(), nullptr, nullptr)); }},
      {"process_vm_readv", EPERM, [] { return Err(syscall(SYS_process_vm_readv, 0, nullptr, 0, nullptr, 0, 0)); }},
      {"process_vm_writev", EPERM, [] { return Err(syscall(SYS_process_vm_writev, 0, nullptr, 0, nullptr, 0, 0)); }},
      {"kcmp", EPERM, [] { return Err(syscall(SYS_kcmp, 0, 0, -1, 0, 0)); }},
      {"pidfd_getfd", EPERM, [] { return Err(syscall(SYS_pidfd_getfd, -1, -1, 0)); }},
      {"move_pages", EPERM, [] { return Err(syscall(SYS_move_pages, 0, 0, nullptr, nullptr, nullptr, 0)); }},
      {"migrate_pages", EPERM, [] { return Err(syscall(SYS_migrate_pages, 0, 0, nullptr, nullptr)); }},
      {"mknod(S_IFBLK)", EPERM, [] { return Err(syscall(SYS_mknod, "/nonexistent/sda", S_IFBLK | 0600, makedev(8, 0))); }},
      {"mknod(S_IFCHR)", EPERM, [] { return Err(syscall(SYS_mknod, "/nonexistent/mem", S_IFCHR | 0600, makedev(1, 1))); }},
      {"mknodat(S_IFBLK)", EPERM, [] { return Err(syscall(SYS_mknodat, AT_FDCWD, "/nonexistent/sda", S_IFBLK | 0600, makedev(8, 0))); }},
      {"mknodat(S_IFCHR|1<<32)", EPERM, [kHigh] { return Err(syscall(SYS_mknodat, AT_FDCWD, "/nonexistent/m", kHigh | S_IFCHR | 0600, 0)); }},
      {"mount", EPERM, [] { return Err(syscall(SYS_mount, nullptr, "/nonexistent", nullptr, 0, nullptr)); }},
      {"umount2", EPERM, [] { return Err(syscall(SYS_umount2, "/nonexistent", 0)); }},
      {"pivot_root", EPERM, [] { return Err(syscall(SYS_pivot_root, nullptr, nullptr)); }},
      {"chroot", EPERM, [] { return Err(syscall(SYS_chroot, nullptr)); }},
      {"fsopen", EPERM, [] { return Err(syscall(SYS_fsopen, nullptr, 0)); }},
      {"fsconfig", EPERM, [] { return Err(syscall(SYS_fsconfig, -1, 0, nullptr, nullptr, 0)); }},
      {"fsmount", EPERM, [] { return Err(syscall(SYS_fsmount, -1, 0, 0)); }},
      {"fspick", EPERM, [] { return Err(syscall(SYS_fspick, -1, nullptr, 0)); }},
      {"move_mount", EPERM, [] { return Err(syscall(SYS_move_mount, -1, nullptr, -1, nullptr, 0)); }},
      {"open_tree", EPERM, [] { return Err(syscall(SYS_open_tree, -1, nullptr, 0)); }},
      {"mount_setattr", EPERM, [] { return Err(syscall(SYS_mount_setattr, -1, nullptr, 0, nullptr, 0)); }},
      {"setns", EPERM, [] { return Err(syscall(SYS_setns, -1, 0)); }},
      {"unshare(NEWUSER)", EPERM, [] { return Err(syscall(SYS_unshare, CLONE_NEWUSER)); }},
      {"unshare(NEWNS)", EPERM, [] { return Err(syscall(SYS_unshare, CLONE_NEWNS)); }},
      {"unshare(NEWNET)", EPERM, [] { return Err(syscall(SYS_unshare, CLONE_NEWNET)); }},
      {"unshare(NEWPID)", EPERM, [] { return Err(syscall(SYS_unshare, CLONE_NEWPID)); }},
      {"unshare(NEWUTS)", EPERM, [] { return Err(syscall(SYS_unshare, CLONE_NEWUTS)); }},
      {"unshare(NEWIPC)", EPERM, [] { return Err(syscall(SYS_unshare, CLONE_NEWIPC)); }},
      {"unshare(NEWCGROUP)", EPERM, [] { return Err(syscall(SYS_unshare, CLONE_NEWCGROUP)); }},
      {"unshare(NEWTIME)", EPERM, [] { return Err(syscall(SYS_unshare, CLONE_NEWTIME)); }},
      {"unshare(FILES|NEWUSER)", EPERM, [] { return Err(syscall(SYS_unshare, CLONE_FILES | CLONE_NEWUSER)); }},
      {"clone(NEWUSER)", EPERM, [] {
         long rc = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
         if (rc == 0) _exit(0);
         return Err(rc);
       }},
      {"clone(NEWNET)", EPERM, [] {
         long rc = syscall(SYS_clone, CLONE_NEWNET | SIGCHLD, 0, 0, 0, 0);
         if (rc == 0) _exit(0);
         return Err(rc);
       }},
      {"clone3", ENOSYS, [] { return Err(syscall(SYS_clone3, nullptr, 0)); }},
      {"socket(AF_VSOCK)", EPERM, [] { return Err(socket(40, SOCK_STREAM, 0)); }},
      {"socket(AF_PACKET)", EPERM, [] { return Err(socket(AF_PACKET, SOCK_RAW, 0)); }},
      {"socket(AF_APPLETALK)", EPERM, [] { return Err(socket(5, SOCK_DGRAM, 0)); }},
      {"socket(AF_KEY)", EPERM, [] { return Err(socket(15, SOCK_RAW, 2)); }},
      {"socket(AF_UNSPEC)", EPERM, [] { return Err(socket(AF_UNSPEC, SOCK_STREAM, 0)); }},
      {"socket(AF_ALG)", EPERM, [] { return Err(socket(38, SOCK_SEQPACKET, 0)); }},
      {"socket(AF_INET|1<<32)", EPERM, [kHigh] { return Err(syscall(SYS_socket, AF_INET | kHigh, SOCK_STREAM, 0)); }},
      {"socket(AF_INET,RAW)", EPERM, [] { return Err(socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, 1)); }},
      {"socket(AF_INET6,RAW)", EPERM, [] { return Err(socket(AF_INET6, SOCK_RAW, 58)); }},
      {"socket(AF_INET,PACKET)", EPERM, [] { return Err(socket(AF_INET, SOCK_PACKET, 0)); }},
      {"ioctl(TIOCSTI)", EPERM, [] { return Err(syscall(SYS_ioctl, -1, TIOCSTI, "x")); }},
      {"ioctl(TIOCSTI|1<<32)", EPERM, [kHigh] { return Err(syscall(SYS_ioctl, -1, TIOCSTI | kHigh, "x")); }},
      {"ioctl(TIOCLINUX)", EPERM, [] { return Err(syscall(SYS_ioctl, -1, TIOCLINUX, "x")); }},
      {"ioctl(TIOCLINUX|1<<32)", EPERM, [kHigh] { return Err(syscall(SYS_ioctl, -1, TIOCLINUX | kHigh, "x")); }},
      {"ioctl(TIOCSETD)", EPERM, [] { return Err(syscall(SYS_ioctl, -1, TIOCSETD, nullptr)); }},
      {"personality(ADDR_NO_RANDOMIZE)", EPERM, [] { return Err(syscall(SYS_personality, ADDR_NO_RANDOMIZE)); }},
      {"personality(READ_IMPLIES_EXEC)", EPERM, [] { return Err(syscall(SYS_personality, READ_IMPLIES_EXEC)); }},
      {"personality(0|1<<32)", EPERM, [kHigh] { return Err(syscall(SYS_personality, kHigh)); }},
      // x32 entry point: same rules (without them, a 64-bit process could
      // reach mount through the x32 numbers).
      {"x32 mount", EPERM, [] { return Err(syscall(0x40000000 | SYS_mount, nullptr, "/nonexistent", nullptr, 0, nullptr)); }},
      {"x32 unshare(NEWUSER)", EPERM, [] { return Err(syscall(0x40000000 | SYS_unshare, CLONE_NEWUSER)); }},
  };
  for (const Probe& p : probes) EXPECT_EQ(Run(p.call), p.expected) << p.name;
}

// Shows that each probe above reaches the kernel's own checks when no filter
// is loaded, so an EPERM there really comes from the filter.
TEST(NoFilter, ProbesAreHarmlessWithoutAFilter) {
  EXPECT_EQ(RunFiltered("", [] { return Err(syscall(SYS_mount, nullptr, "/nonexistent", nullptr, 0, nullptr)); }), ENOENT);
  EXPECT_EQ(RunFiltered("", [] { return Err(syscall(SYS_ioctl, -1, TIOCSTI | (1ull << 32), "x")); }), EBADF);
  EXPECT_EQ(RunFiltered("", [] { return Err(syscall(SYS_setns, -1, 0)); }), EBADF);
  EXPECT_EQ(RunFiltered("", [] { return Err(syscall(SYS_mknod, "/nonexistent/sda", S_IFBLK | 0600, makedev(8, 0))); }), ENOENT);
}

TEST_F(DefaultProfile, OrdinaryWorkStillSucceeds) {
  EXPECT_EQ(Run([] {
              char path[] = "/tmp/vsb-seccomp-XXXXXX";
              int fd = mkstemp(path);
              if (fd < 0) return errno;
              unlink(path);
              char buf[3] = {};
              if (write(fd, "abc", 3) != 3 || pread(fd, buf, 3, 0) != 3) return errno;
              close(fd);
              return std::string(buf, 3) == "abc" ? 0 : -10;
            }), 0);
  // fork + execve of /bin/true.
  EXPECT_EQ(Run([] {
              pid_t pid = fork();
              if (pid < 0) return errno;
              if (pid == 0) {
                execl("/bin/true", "true", nullptr);
                _exit(127);
              }
              int status = 0;
              if (waitpid(pid, &status, 0) != pid) return errno;
              return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -11;
            }), 0);
  // Threads: glibc tries clone3, gets ENOSYS and falls back to clone.
  EXPECT_EQ(Run([] {
              int value = 0;
              std::thread t([&] { value = 42; });
              t.join();
              return value == 42 ? 0 : -12;
            }), 0);
  for (int family : {AF_UNIX, AF_INET, AF_INET6}) {
    EXPECT_EQ(Run([family] {
                int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
                if (fd < 0) return errno;
                close(fd);
                return 0;
              }), 0) << "family " << family;
  }
  EXPECT_EQ(Run([] {
              int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, 0 /*NETLINK_ROUTE*/);
              if (fd < 0) return errno;
              close(fd);
              return 0;
            }), 0);
  EXPECT_EQ(Run([] { return Err(syscall(SYS_unshare, CLONE_FILES)); }), 0);
  // mkfifo: only device nodes are denied.
  EXPECT_EQ(Run([] { return Err(syscall(SYS_mknod, "/nonexistent/fifo", S_IFIFO | 0600, 0)); }), ENOENT);
  EXPECT_EQ(Run([] { return Err(syscall(SYS_ioctl, -1, TCGETS, nullptr)); }), EBADF);
  // The personality query and the harmless personas stay allowed.
  EXPECT_EQ(Run([] { return Err(syscall(SYS_personality, 0xffffffffUL)); }), 0);
  EXPECT_EQ(Run([] { return Err(syscall(SYS_personality, PER_LINUX)); }), 0);
  EXPECT_EQ(Run([] { return Err(syscall(SYS_personality, UNAME26)); }), 0);
}

// The i386 entry point (int 0x80) from a 64-bit process gets the same rules.
long Int80(long nr, long a, long b, long c) {
  long ret;
  // The kernel returns to 64-bit code from int 0x80 with r8-r11 zeroed.
  asm volatile("int $0x80"
               : "=a"(ret)
               : "a"(nr), "b"(a), "c"(b), "d"(c)
               : "memory", "r8", "r9", "r10", "r11");
  return ret;
}

TEST_F(DefaultProfile, CoversTheI386Abi) {
  if (Int80(20 /*i386 getpid*/, 0, 0, 0) != getpid())
    GTEST_SKIP() << "kernel has no i386 emulation (ia32_emulation=0)";
  EXPECT_EQ(Run([] { return Int80(20, 0, 0, 0) > 0 ? 0 : -1; }), 0);
  EXPECT_EQ(Run([] { return static_cast<int>(-Int80(21 /*mount*/, 0, 0, 0)); }), EPERM);
  EXPECT_EQ(Run([] { return static_cast<int>(-Int80(310 /*unshare*/, CLONE_NEWUSER, 0, 0)); }), EPERM);
  EXPECT_EQ(Run([] { return static_cast<int>(-Int80(359 /*socket*/, 40, SOCK_STREAM, 0)); }), EPERM);
  EXPECT_EQ(Run([] { return static_cast<int>(-Int80(54 /*ioctl*/, -1, TIOCSTI, 0)); }), EPERM);
}

TEST(PrivilegedProfile, AllowsOwnNamespacesButNotMountsUserNamespacesOrDevices) {
  std::string bpf = Profile("privileged");
  ASSERT_FALSE(bpf.empty()) << "build the seccomp_profiles target first";
  auto run = [&](const std::function<int()>& f) { return RunFiltered(bpf, f); };
  EXPECT_EQ(run([] { return Err(syscall(SYS_chroot, nullptr)); }), EFAULT);
  if (testing::MissingRoot().empty()) {
    EXPECT_EQ(run([] { return Err(syscall(SYS_unshare, CLONE_NEWNET | CLONE_NEWUTS)); }), 0);
  }
  EXPECT_EQ(run([] { return Err(syscall(SYS_mount, nullptr, "/nonexistent", nullptr, 0, nullptr)); }), EPERM);
  EXPECT_EQ(run([] { return Err(syscall(SYS_pivot_root, nullptr, nullptr)); }), EPERM);
  EXPECT_EQ(run([] { return Err(syscall(SYS_open_tree, -1, nullptr, 0)); }), EPERM);
  EXPECT_EQ(run([] { return Err(syscall(SYS_mknod, "/nonexistent/sda", S_IFBLK | 0600, makedev(8, 0))); }), EPERM);
  EXPECT_EQ(run([] { return Err(syscall(SYS_unshare, CLONE_NEWUSER)); }), EPERM);
  EXPECT_EQ(run([] { return Err(syscall(SYS_setns, -1, 0)); }), EPERM);
  EXPECT_EQ(run([] { return Err(syscall(SYS_ioctl, -1, TIOCSTI | (1ull << 32), "x")); }), EPERM);
  EXPECT_EQ(run([] { return Err(socket(40, SOCK_STREAM, 0)); }), EPERM);
  EXPECT_EQ(run([] { return Err(syscall(SYS_init_module, nullptr, 0, nullptr)); }), EPERM);
  EXPECT_EQ(run([] { return Err(syscall(SYS_clone3, nullptr, 0)); }), ENOSYS);
}

// A user's own policy: the errno it declares is what the call returns
// (ECONNREFUSED as a marker nothing else produces, as bubblewrap's test does).
TEST(UserPolicy, DeclaredErrnoIsReturned) {
  auto bpf = host::CompileSeccompPolicy("default allow\nECONNREFUSED getcwd\nkill setns\n", "marker");
  ASSERT_TRUE(bpf) << bpf.error().message();
  EXPECT_EQ(RunFiltered(*bpf, [] {
              char buf[64];
              return Err(syscall(SYS_getcwd, buf, sizeof buf));
            }), ECONNREFUSED);
  EXPECT_EQ(RunFiltered(*bpf, [] { return Err(syscall(SYS_setns, -1, 0)); }), kKilled - SIGSYS);
}

TEST(LoadSeccomp, RejectsMalformedProgramsAndAcceptsEmpty) {
  EXPECT_EQ(RunFiltered(std::string(7, '\0'), [] { return 0; }), -3);
  EXPECT_EQ(init::LoadSeccomp(""), 0);
  EXPECT_EQ(init::LoadSeccomp(std::string(8 * 4097, '\0')), EINVAL);
}

}  // namespace
}  // namespace vsb

namespace vsb {
namespace {

// Why the profile masks to 32 bits: a plain == rule (CVE-2019-10063) lets
// TIOCSTI|1<<32 through, and the probe above would catch that regression.
TEST(UserPolicy, PlainEqualityMissesHighBitsMaskedDoesNot) {
  auto plain = host::CompileSeccompPolicy("default allow\nEPERM ioctl arg1==TIOCSTI\n", "plain");
  auto masked = host::CompileSeccompPolicy("default allow\nEPERM ioctl arg1&LOW32==TIOCSTI\n", "masked");
  ASSERT_TRUE(plain && masked);
  auto high = [] { return Err(syscall(SYS_ioctl, -1, TIOCSTI | (1ull << 32), "x")); };
  EXPECT_EQ(RunFiltered(*plain, high), EBADF);  // reached the kernel
  EXPECT_EQ(RunFiltered(*masked, high), EPERM);
}

}  // namespace
}  // namespace vsb
