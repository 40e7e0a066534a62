#include "host/seccomp_unknown_guard.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stddef.h>

#include <cstdlib>

namespace vsb::host {

uint32_t HighestKnownSyscall() {
  uint32_t highest = 0;
  for (uint32_t nr = 0; nr < 1024; ++nr) {
    if (char* name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_X86_64, static_cast<int>(nr))) {
      highest = nr;
      free(name);
    }
  }
  return highest;
}

std::string PrependUnknownSyscallGuard(const std::string& bpf, uint32_t highest_known) {
  constexpr uint32_t kX32Bit = 0x40000000;  // x32 numbers: left to the main program
  const sock_filter guard[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_I386, 0, 4),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, kX32Bit, 2, 0),
      BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, highest_known, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA)),
  };
  std::string out(reinterpret_cast<const char*>(guard), sizeof guard);
  return out + bpf;
}

}  // namespace vsb::host
