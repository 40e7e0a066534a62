#include "host/kernel_facts.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace vsb::host {
namespace {

std::string ReadText(const std::string& path) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

bool Stamp(const std::string& path, FileStamp* out) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
  out->path = path;
  out->size = static_cast<uint64_t>(st.st_size);
  out->mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  return true;
}

bool IsDir(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::string FirstExisting(const std::vector<std::string>& paths) {
  for (const auto& p : paths)
    if (access(p.c_str(), R_OK) == 0) return p;
  return "";
}

// Newest /boot/vmlinuz-V whose /lib/modules/V exists.
std::string NewestBootKernel() {
  std::string best;
  if (DIR* d = opendir("/boot")) {
    while (dirent* e = readdir(d)) {
      if (strncmp(e->d_name, "vmlinuz-", 8) != 0) continue;
      std::string v = e->d_name + 8;
      if (!IsDir("/lib/modules/" + v)) continue;
      if (best.empty() || strverscmp(v.c_str(), best.c_str()) > 0) best = v;
    }
    closedir(d);
  }
  return best;
}

uint64_t TscKhz(const std::string& cpuinfo) {
  if (cpuinfo.find("constant_tsc") == std::string::npos) return 0;
  auto pos = cpuinfo.find("cpu MHz");
  if (pos == std::string::npos) return 0;
  pos = cpuinfo.find(':', pos);
  if (pos == std::string::npos) return 0;
  return static_cast<uint64_t>(strtod(cpuinfo.c_str() + pos + 1, nullptr) * 1000.0 + 0.5);
}

std::string FindInitBinary() {
  if (const char* env = getenv("VIRT_SANDBOX_INIT"); env && *env) return env;
  char exe[4096];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0) return "";
  exe[n] = '\0';
  std::string dir(exe);
  dir.resize(dir.rfind('/'));
  return FirstExisting({dir + "/virt-sandbox-init", dir + "/../virt-sandbox-init",
                        dir + "/../libexec/virt-sandbox/virt-sandbox-init",
                        "/usr/libexec/virt-sandbox/virt-sandbox-init"});
}

}  // namespace

Result<KernelFacts> GatherKernelFacts(const KernelRequest& req) {
  KernelFacts f;
  if (!req.kernver.empty()) {
    f.version = req.kernver;
  } else if (!req.kernpath.empty()) {
    f.version = "";  // only --kmodpath can tell us where the modules are
  } else {
    utsname u;
    uname(&u);
    f.version = u.release;
    if (access(("/boot/vmlinuz-" + f.version).c_str(), R_OK) != 0 ||
        !IsDir("/lib/modules/" + f.version))
      f.version = NewestBootKernel();
    if (f.version.empty())
      return Fail(Error(ErrorCode::kNotFound,
                        "no guest kernel: /boot has no vmlinuz-VERSION with /lib/modules/VERSION "
                        "(install linux-image-amd64 or pass --kernpath/--kmodpath)"));
  }
  std::string kpath = req.kernpath.empty() ? "/boot/vmlinuz-" + f.version : req.kernpath;
  if (!Stamp(kpath, &f.kernel))
    return Fail(Error(ErrorCode::kNotFound, "guest kernel " + kpath + ": not a readable file"));
  f.modules_dir = !req.kmodpath.empty() ? req.kmodpath : "/lib/modules/" + f.version;
  if (!IsDir(f.modules_dir))
    return Fail(Error(ErrorCode::kNotFound, "kernel modules " + f.modules_dir + ": no such directory"));
  f.modules_dep = ReadText(f.modules_dir + "/modules.dep");
  if (!f.version.empty()) f.kernel_config = ReadText("/boot/config-" + f.version);

  int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
  f.kvm_openable = kvm >= 0;
  if (kvm >= 0) close(kvm);
  f.kvm_pvm = IsDir("/sys/module/kvm_pvm");
  f.tsc_khz = TscKhz(ReadText("/proc/cpuinfo"));
  f.qemu = FirstExisting({"/usr/bin/qemu-system-x86_64", "/usr/local/bin/qemu-system-x86_64"});
  f.qboot = FirstExisting({"/usr/share/qemu/qboot.rom", "/usr/share/seabios/qboot.rom"});
  f.init_binary = FindInitBinary();
  if (!f.init_binary.empty()) Stamp(f.init_binary, &f.init_stamp);

  f.uid = getuid();
  f.gid = getgid();
  int ng = getgroups(0, nullptr);
  if (ng > 0) {
    f.groups.resize(static_cast<size_t>(ng));
    ng = getgroups(ng, f.groups.data());
    f.groups.resize(ng > 0 ? static_cast<size_t>(ng) : 0);
  }
  char cwd[4096];
  if (getcwd(cwd, sizeof cwd)) f.cwd = cwd;
  if (const char* t = getenv("TERM")) f.term = t;
  if (const char* h = getenv("HOME")) f.home = h;
  f.stdin_is_tty = isatty(0) == 1;
  if (f.uid == 0) {
    f.cache_dir = "/var/cache/virt-sandbox";
  } else if (const char* x = getenv("XDG_CACHE_HOME"); x && *x == '/') {
    f.cache_dir = std::string(x) + "/virt-sandbox";
  } else if (!f.home.empty()) {
    f.cache_dir = f.home + "/.cache/virt-sandbox";
  } else {
    f.cache_dir = "/tmp/virt-sandbox-cache-" + std::to_string(f.uid);
  }
  return f;
}

bool KvmCanRunKernel(const KernelFacts& f, std::string* why_not) {
  if (!f.kvm_openable) {
    *why_not = "/dev/kvm is missing or not accessible";
    return false;
  }
  if (f.kvm_pvm && f.kernel_config.find("CONFIG_PVM_GUEST=y") == std::string::npos) {
    *why_not = "/dev/kvm is kvm_pvm and the guest kernel has no PVM guest support";
    return false;
  }
  return true;
}

std::vector<std::string> ResolveModules(const std::string& modules_dep,
                                        const std::vector<std::string>& names,
                                        std::vector<std::string>* missing) {
  // name (basename without .ko[.xz|.gz|.zst], '-' as '_') → {path, deps}
  std::map<std::string, std::pair<std::string, std::vector<std::string>>> dep;
  auto module_name = [](std::string path) {
    path = path.substr(path.rfind('/') + 1);
    path = path.substr(0, path.find(".ko"));
    std::replace(path.begin(), path.end(), '-', '_');
    return path;
  };
  std::istringstream in(modules_dep);
  for (std::string line; std::getline(in, line);) {
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string path = line.substr(0, colon);
    std::istringstream rest(line.substr(colon + 1));
    std::vector<std::string> deps;
    for (std::string d; rest >> d;) deps.push_back(d);
    dep[module_name(path)] = {path, deps};
  }
  std::vector<std::string> order;
  std::set<std::string> seen;
  // modules.dep lists every transitive dependency, deepest last: emit each
  // module's deps in reverse, then the module.
  auto emit = [&](const std::string& path) {
    if (seen.insert(path).second) order.push_back(path);
  };
  for (const auto& n : names) {
    auto it = dep.find(module_name(n));
    if (it == dep.end()) {
      if (missing) missing->push_back(n);
      continue;
    }
    const auto& deps = it->second.second;
    for (auto d = deps.rbegin(); d != deps.rend(); ++d) emit(*d);
    emit(it->second.first);
  }
  return order;
}

}  // namespace vsb::host
