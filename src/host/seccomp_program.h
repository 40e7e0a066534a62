// Seccomp programs: the raw BPF that virt-sandbox-init loads before exec.
//
// Profiles are text files (data/seccomp/*.policy, one rule per line with a
// comment saying why). They are compiled to BPF ONCE, at build time, by
// tools/seccomp_compile; the launcher only reads the .bpf file (compiling at
// every start costs systemd-nspawn ~48 ms). A user's own .policy file is the
// one case compiled at run time.
//
// Policy file grammar (see data/seccomp/default.policy for a worked example):
//   # comment (also after a rule)
//   default ACTION            action for syscalls no rule names (once)
//   badarch ACTION            action for an ABI the filter does not cover
//   arch NAME                 also filter this ABI (x86, x32) with the same rules
//   ACTION SYSCALL [COND...]  ACTION when every COND holds (no COND: always)
// ACTION: allow | kill | log | E<NAME> (EPERM, ENOSYS, ...) | errno:N
// COND:   argN OP VALUE  or  argN&MASK==VALUE   (N 0..5, OP == != < <= > >=)
// VALUE and MASK are numbers (123, 0x7b, 0173) or names from the constant table
// (CLONE_NEWUSER, AF_VSOCK, TIOCSTI, ...), joined with | for a union.
// An unknown syscall name, action, constant or a malformed line is an error
// with the line number: a typo must never silently drop a rule.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "base/result.h"

namespace vsb::host {

// The kernel's BPF_MAXINSNS: longer programs are rejected by seccomp(2).
inline constexpr size_t kMaxSeccompInstructions = 4096;
inline constexpr size_t kSeccompInstructionSize = 8;  // sizeof(struct sock_filter)

// Compiles policy text to raw BPF (struct sock_filter[]). `name` appears in
// errors ("seccomp profile my.policy line 7: unknown syscall 'mout'").
Result<std::string> CompileSeccompPolicy(std::string_view text, std::string_view name);

// Same, but pseudo-filter code (libseccomp's readable dump) for review.
Result<std::string> DescribeSeccompPolicy(std::string_view text, std::string_view name);

// A program the kernel can take: non-empty, a whole number of instructions,
// at most kMaxSeccompInstructions.
Status ValidateSeccompBpf(std::string_view bpf, std::string_view name);

// What --seccomp=PROFILE selects, as raw BPF bytes for InitSpec::seccomp_bpf:
//   "unconfined"   → "" (no filter; the explicit, greppable way out)
//   "default"      → privileged.bpf when `privileged` (-p), else default.bpf
//   another NAME   → NAME.bpf
//     each looked up in exe_dir/seccomp/ (build tree: beside the binary) then
//     exe_dir/../libexec/virt-sandbox/seccomp/ (installed)
//   a path to a .bpf file    → read and validated
//   a path to any other file → compiled as a policy (costs a few ms)
Result<std::string> LoadSeccompProgram(std::string_view profile, bool privileged,
                                       const std::string& exe_dir);

}  // namespace vsb::host
