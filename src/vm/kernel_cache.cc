#include "vm/kernel_cache.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>

#include "base/unique_fd.h"

namespace vsb::vm {
namespace {

constexpr char kXzMagic[] = "\xfd" "7zXZ";  // + a NUL: 6 bytes

bool HasElfMagic(int fd) {
  char m[4];
  return pread(fd, m, 4, 0) == 4 && memcmp(m, "\x7f" "ELF", 4) == 0;
}

// Offset of the first XZ stream header in the file, or -1.
Result<off_t> FindXz(int fd) {
  std::string buf(1 << 20, '\0');
  off_t base = 0;
  for (;;) {
    ssize_t n = pread(fd, buf.data(), buf.size(), base);
    if (n < 0) return FailErrno(errno, "read kernel");
    if (n < 6) return -1;
    std::string_view v(buf.data(), static_cast<size_t>(n));
    auto pos = v.find(std::string_view(kXzMagic, 6));
    if (pos != std::string_view::npos) return base + static_cast<off_t>(pos);
    base += n - 5;
  }
}

}  // namespace

Status MakeDirs(const std::string& path, mode_t mode) {
  for (size_t i = 1; i <= path.size(); ++i) {
    if (i != path.size() && path[i] != '/') continue;
    std::string part = path.substr(0, i);
    if (mkdir(part.c_str(), mode) != 0 && errno != EEXIST) return FailErrno(errno, "mkdir " + part);
  }
  return {};
}

Result<std::string> EnsureVmlinux(const std::string& source, const std::string& cache_path) {
  if (access(cache_path.c_str(), R_OK) == 0) return cache_path;
  UniqueFd in(open(source.c_str(), O_RDONLY | O_CLOEXEC));
  if (!in) return FailErrno(errno, "open guest kernel " + source);
  if (HasElfMagic(in.get())) return source;
  VSB_ASSIGN_OR_RETURN(off_t off, FindXz(in.get()));
  if (off < 0)
    return Fail(Error(ErrorCode::kUnsupported,
                      "guest kernel " + source + ": no XZ payload (only XZ bzImages can be unpacked)"));
  VSB_TRY(MakeDirs(cache_path.substr(0, cache_path.rfind('/')), 0755));
  std::string tmp = cache_path + ".tmp-" + std::to_string(getpid());
  UniqueFd out(open(tmp.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!out) return FailErrno(errno, "create " + tmp);
  if (lseek(in.get(), off, SEEK_SET) < 0) return FailErrno(errno, "seek guest kernel");
  // xz from xz-utils: --single-stream ignores the bzImage bytes after the payload.
  pid_t pid = fork();
  if (pid < 0) return FailErrno(errno, "fork xz");
  if (pid == 0) {
    dup2(in.get(), 0);
    dup2(out.get(), 1);
    execlp("xz", "xz", "-dc", "--single-stream", "-q", static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0 && HasElfMagic(out.get());
  if (!ok || rename(tmp.c_str(), cache_path.c_str()) != 0) {
    int err = errno;
    unlink(tmp.c_str());
    if (!ok)
      return Fail(Error(ErrorCode::kInternal, "unpack guest kernel " + source + " with xz failed" +
                                                  (WIFEXITED(status) && WEXITSTATUS(status) == 127
                                                       ? " (is xz-utils installed?)"
                                                       : "")));
    return FailErrno(err, "rename " + tmp);
  }
  return cache_path;
}

}  // namespace vsb::vm
