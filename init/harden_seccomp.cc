#include "harden_seccomp.h"

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

namespace vsb::init {

int LoadSeccomp(std::string_view bpf) {
  if (bpf.empty()) return 0;
  if (bpf.size() % sizeof(sock_filter) != 0 || bpf.size() / sizeof(sock_filter) > BPF_MAXINSNS)
    return EINVAL;
  sock_fprog prog{};
  prog.len = static_cast<unsigned short>(bpf.size() / sizeof(sock_filter));
  // The kernel copies the program with copy_from_user: no alignment needed.
  prog.filter = reinterpret_cast<sock_filter*>(const_cast<char*>(bpf.data()));
  // TSYNC: init's child is single-threaded today, but a filter that misses a
  // thread is a silent hole, so ask the kernel to cover every thread.
  long rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &prog);
  if (rc == 0) return 0;
  if (errno != ENOSYS) return rc > 0 ? ESRCH : errno;  // rc > 0: a thread refused TSYNC
  // Kernels before 3.17 lack seccomp(2); prctl installs the same filter.
  if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) == 0) return 0;
  return errno;
}

}  // namespace vsb::init
