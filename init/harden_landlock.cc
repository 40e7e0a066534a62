#include "harden_landlock.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

// Debian 12's <linux/landlock.h> stops at ABI 2, so the constants we need are
// spelled out here from the kernel's uapi (stable ABI, never renumbered).
#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#define SYS_landlock_add_rule 445
#define SYS_landlock_restrict_self 446
#endif

namespace vsb::init {
namespace {

constexpr uint32_t kCreateRulesetVersion = 1u << 0;
constexpr int kRulePathBeneath = 1;

constexpr uint64_t kWriteFile = 1ull << 1;
constexpr uint64_t kRemoveDir = 1ull << 4;
constexpr uint64_t kRemoveFile = 1ull << 5;
constexpr uint64_t kMakeChar = 1ull << 6;
constexpr uint64_t kMakeDir = 1ull << 7;
constexpr uint64_t kMakeReg = 1ull << 8;
constexpr uint64_t kMakeSock = 1ull << 9;
constexpr uint64_t kMakeFifo = 1ull << 10;
constexpr uint64_t kMakeBlock = 1ull << 11;
constexpr uint64_t kMakeSym = 1ull << 12;
constexpr uint64_t kRefer = 1ull << 13;     // ABI 2
constexpr uint64_t kTruncate = 1ull << 14;  // ABI 3
constexpr uint64_t kIoctlDev = 1ull << 15;  // ABI 5

// Rights the kernel accepts in a rule on a non-directory.
constexpr uint64_t kFileRights = kWriteFile | kTruncate | kIoctlDev;

struct RulesetAttr {
  uint64_t handled_access_fs;  // first field of struct landlock_ruleset_attr
};
struct __attribute__((packed)) PathBeneathAttr {
  uint64_t allowed_access;
  int32_t parent_fd;
};

uint64_t HandledAccess(int abi) {
  uint64_t handled = kWriteFile | kRemoveDir | kRemoveFile | kMakeChar | kMakeDir | kMakeReg |
                     kMakeSock | kMakeFifo | kMakeBlock | kMakeSym;
  if (abi >= 2) handled |= kRefer;
  if (abi >= 3) handled |= kTruncate;
  // IOCTL_DEV restricts ioctls on device files opened after this point: a
  // pty or /dev/null opened by the command must stay usable, hence the /dev
  // rule below.
  if (abi >= 5) handled |= kIoctlDev;
  return handled;
}

// 0, or errno. A path that does not exist (or that this uid cannot reach)
// is skipped: it stays unwritable, the safe direction.
int AllowBeneath(int ruleset, const char* path, uint64_t handled) {
  int fd = open(path, O_PATH | O_CLOEXEC);
  if (fd < 0) return (errno == ENOENT || errno == ENOTDIR || errno == EACCES) ? 0 : errno;
  struct stat st;
  if (fstat(fd, &st) != 0) {
    int err = errno;
    close(fd);
    return err;
  }
  PathBeneathAttr rule{};
  rule.allowed_access = S_ISDIR(st.st_mode) ? handled : (handled & kFileRights);
  rule.parent_fd = fd;
  long rc = syscall(SYS_landlock_add_rule, ruleset, kRulePathBeneath, &rule, 0);
  int err = rc == 0 ? 0 : errno;
  close(fd);
  return err;
}

}  // namespace

int LandlockAbi() {
  long abi = syscall(SYS_landlock_create_ruleset, nullptr, 0, kCreateRulesetVersion);
  return abi < 0 ? 0 : static_cast<int>(abi);
}

int ApplyLandlock(const std::vector<std::string>& writable) {
  long abi = syscall(SYS_landlock_create_ruleset, nullptr, 0, kCreateRulesetVersion);
  if (abi < 0) return (errno == ENOSYS || errno == EOPNOTSUPP) ? 0 : errno;

  RulesetAttr attr{HandledAccess(static_cast<int>(abi))};
  int ruleset = static_cast<int>(syscall(SYS_landlock_create_ruleset, &attr, sizeof attr, 0));
  if (ruleset < 0) return errno;

  int err = AllowBeneath(ruleset, "/dev", attr.handled_access_fs);
  for (const std::string& path : writable) {
    if (err != 0) break;
    err = AllowBeneath(ruleset, path.c_str(), attr.handled_access_fs);
  }
  if (err == 0 && syscall(SYS_landlock_restrict_self, ruleset, 0) != 0) err = errno;
  close(ruleset);
  return err;
}

}  // namespace vsb::init
