// Landlock: a second wall behind the read-only mounts. After ApplyLandlock the
// process (and everything it execs or forks) can write only beneath the
// paths the configuration made writable, even if a mount were writable by
// mistake or remounted.
#pragma once

#include <string>
#include <vector>

namespace vsb::init {

// Restricts every write-type filesystem access this kernel's Landlock ABI
// knows - write, truncate (ABI 3), create/remove/rename of any file type,
// cross-directory link/rename (REFER, ABI 2), device ioctls (IOCTL_DEV,
// ABI 5) - to beneath `writable` and /dev (so /dev/null and the pty keep
// working). Reads and execution stay allowed everywhere. Paths that do not
// exist are skipped; a writable regular file gets only the file rights.
//
// Needs no_new_privs (the caller sets it first). Returns 0 on success and
// also when the kernel has no Landlock (ENOSYS, or EOPNOTSUPP when disabled
// at boot): the caller logs that. Any other failure returns its errno, and
// the process must not run the command unconfined.
int ApplyLandlock(const std::vector<std::string>& writable);

// The Landlock ABI version of the running kernel; 0 when unavailable.
int LandlockAbi();

}  // namespace vsb::init
