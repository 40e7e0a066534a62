// Capabilities of the command: none at all unless -p keeps them.
#pragma once

namespace vsb::init {

// keep == false (the default): empties the bounding set (so no later execve,
// not even of a file-capability binary or as uid 0, can regain a capability),
// clears the ambient set, locks the securebits that stop uid 0 from gaining
// capabilities at exec, and sets effective, permitted and inheritable to 0.
// Emptying the bounding set needs CAP_SETPCAP: call it while it is still
// permitted, i.e. as uid 0, or after setresuid to another uid when
// prctl(PR_SET_KEEPCAPS, 1) was set before setresuid (the kernel otherwise
// clears the permitted set on that transition). Without it, and with
// capabilities left in the bounding set, it returns EPERM: fail closed.
//
// keep == true (-p, namespaced root): keeps the bounding, permitted and
// effective sets, clears ambient and inheritable so nothing leaks past exec
// to a non-root program.
//
// Returns 0 or errno. No allocation: safe in a forked child.
int DropCapabilities(bool keep);

}  // namespace vsb::init
