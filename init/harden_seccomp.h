// Loads the seccomp program the launcher rendered (InitSpec::seccomp_bpf).
#pragma once

#include <string_view>

namespace vsb::init {

// Installs `bpf` (raw struct sock_filter[] bytes, as exported by libseccomp)
// as this process's seccomp filter, synchronised to all its threads. Empty
// means unconfined and returns 0. Returns 0 or an errno: EINVAL for a program
// that is not a whole number of instructions or is longer than BPF_MAXINSNS,
// EACCES when neither no_new_privs nor CAP_SYS_ADMIN is set (the caller sets
// PR_SET_NO_NEW_PRIVS first). Call it last before execve: from here on the
// filter applies to init's own remaining calls too.
// No allocation: safe in a forked child.
int LoadSeccomp(std::string_view bpf);

}  // namespace vsb::init
