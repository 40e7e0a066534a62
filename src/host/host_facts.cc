#include "host/host_facts.h"

#include <linux/landlock.h>
#include <dirent.h>
#include <grp.h>
#include <pwd.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#include <climits>
#include <cstring>

extern char** environ;

namespace vsb::host {
namespace {

Result<Identity> IdentityOf(const passwd& pw) {
  Identity id;
  id.uid = pw.pw_uid;
  id.gid = pw.pw_gid;
  id.name = pw.pw_name;
  id.home = pw.pw_dir ? pw.pw_dir : "/";
  int n = 64;
  std::vector<gid_t> groups(n);
  if (getgrouplist(pw.pw_name, pw.pw_gid, groups.data(), &n) < 0) {
    groups.resize(n);
    getgrouplist(pw.pw_name, pw.pw_gid, groups.data(), &n);
  }
  groups.resize(n);
  for (gid_t g : groups)
    if (g != pw.pw_gid) id.groups.push_back(g);
  return id;
}

Identity CallerIdentity() {
  Identity id;
  id.uid = getuid();
  id.gid = getgid();
  char buf[16384];
  passwd pw, *found = nullptr;
  if (getpwuid_r(id.uid, &pw, buf, sizeof buf, &found) == 0 && found) {
    id.name = pw.pw_name;
    id.home = pw.pw_dir;
  } else {
    id.name = std::to_string(id.uid);
    id.home = "/";
  }
  // The caller's current supplementary groups, not the database's.
  int n = getgroups(0, nullptr);
  if (n > 0) {
    std::vector<gid_t> groups(n);
    n = getgroups(n, groups.data());
    for (int i = 0; i < n; ++i)
      if (groups[i] != id.gid) id.groups.push_back(groups[i]);
  }
  return id;
}

std::string ExeDir() {
  char buf[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return ".";
  std::string path(buf, n);
  return path.substr(0, path.rfind('/'));
}

}  // namespace

PathType TypeOf(const std::string& path) {
  struct stat st;
  if (lstat(path.c_str(), &st) != 0) return PathType::kMissing;
  if (S_ISDIR(st.st_mode)) return PathType::kDirectory;
  if (S_ISREG(st.st_mode)) return PathType::kFile;
  if (S_ISLNK(st.st_mode)) return PathType::kSymlink;
  return PathType::kOther;
}

Result<HostFacts> GatherHostFacts(const SandboxConfig& config) {
  HostFacts f;
  f.caller = CallerIdentity();
  if (!config.switch_to.empty()) {
    char buf[16384];
    passwd pw, *found = nullptr;
    getpwnam_r(config.switch_to.c_str(), &pw, buf, sizeof buf, &found);
    if (!found)
      return FailInvalid("-S " + config.switch_to + ": no such user on the host");
    VSB_ASSIGN_OR_RETURN(f.switch_to, IdentityOf(pw));
  }
  char cwd[PATH_MAX];
  f.cwd = getcwd(cwd, sizeof cwd) ? cwd : "/";
  f.exe_dir = ExeDir();
  // Beside the program (build tree, CLI), its ../libexec, then where this
  // library was installed or built: programs linking the library find it too.
  for (const std::string& dir : {f.exe_dir, f.exe_dir + "/../libexec/virt-sandbox",
                                 std::string(VSB_LIBEXEC_DIR), std::string(VSB_BUILD_DIR)}) {
    if (access((dir + "/virt-sandbox-init").c_str(), X_OK) == 0) {
      f.helper_dir = dir;
      f.init_path = dir + "/virt-sandbox-init";
      break;
    }
  }
  if (f.init_path.empty())
    return Fail(Error(ErrorCode::kNotFound, "virt-sandbox-init not found beside " + f.exe_dir +
                                                " nor in " VSB_LIBEXEC_DIR " (reinstall virt-sandbox)"));
  f.stdin_tty = isatty(0);
  f.stdout_tty = isatty(1);
  winsize ws{};
  if (ioctl(f.stdout_tty ? 1 : 0, TIOCGWINSZ, &ws) == 0) {
    f.rows = ws.ws_row;
    f.cols = ws.ws_col;
  }
  for (char** e = environ; e && *e; ++e) {
    const char* eq = std::strchr(*e, '=');
    if (eq) f.env.emplace_back(std::string(*e, eq - *e), std::string(eq + 1));
  }
  if (DIR* home = opendir("/home")) {
    while (dirent* e = readdir(home))
      if (e->d_name[0] != '.' && e->d_type == DT_DIR) f.home_dirs.push_back(std::string("/home/") + e->d_name);
    closedir(home);
  }
  long abi = syscall(SYS_landlock_create_ruleset, nullptr, 0, LANDLOCK_CREATE_RULESET_VERSION);
  f.landlock_abi = abi > 0 ? static_cast<int>(abi) : 0;
  f.pid = static_cast<uint32_t>(getpid());
  if (getrandom(&f.nonce, sizeof f.nonce, 0) != sizeof f.nonce) f.nonce = f.pid;
  return f;
}

}  // namespace vsb::host
