// A deny-list filter lets through every syscall newer than the libseccomp it
// was compiled with (fchmodat2, open_tree_attr, ... appear every release).
// This guard, placed in front of a compiled program, answers ENOSYS for any
// x86_64 or i386 syscall number above the highest one libseccomp knows, so a
// new kernel never widens the sandbox's attack surface silently; libc falls
// back on ENOSYS as it does on older kernels.
#pragma once

#include <cstdint>
#include <string>

namespace vsb::host {

// Highest x86_64 syscall number the linked libseccomp resolves.
uint32_t HighestKnownSyscall();

// `bpf` with the guard prepended (relative jumps keep the rest valid).
std::string PrependUnknownSyscallGuard(const std::string& bpf, uint32_t highest_known);

}  // namespace vsb::host
