// Confining QEMU with the container engine's own machinery, so that a QEMU
// (or 9p server) compromise lands in a sandbox, not on the host:
//  - new user namespace: a root caller keeps the full identity map (the 9p
//    export sees host files with their own owners) but QEMU holds no
//    capability at all, in that namespace or the initial one; another
//    caller maps only its own uid and gid;
//  - new mount namespace: the whole host tree read-only (recursive, nosuid),
//    only the run dir and the writable shares and disks bound writable on
//    top, the hidden credential stores masked, a /proc of its own; /dev
//    stays a read-only view so /dev/kvm works;
//  - new PID, IPC, UTS, network and cgroup namespaces (QEMU needs no host
//    network: the channel is an inherited socketpair, and a path-based unix
//    socket such as passt's still connects across network namespaces);
//  - no-new-privs, an empty bounding set, and QEMU's own seccomp (-sandbox).
// The child half runs between clone3 and execve: async-signal-safe only.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "base/result.h"

namespace vsb::vm {

struct QemuConfinement {
  bool map_all_ids = true;  // root caller: "0 0 4294967295"
  uid_t caller_uid = 0;
  gid_t caller_gid = 0;
  // Host paths QEMU must write (run dir, writable shares, writable images).
  std::vector<std::string> writable;
  // Host paths hidden from QEMU itself (the credential stores the guest
  // hides): a second wall, so that not even a compromised guest kernel reads
  // them through the 9p server. Files are covered by `empty_file` (an empty
  // read-only file), directories by an empty tmpfs.
  std::vector<std::string> masked;
  std::string empty_file;
};

// clone3 flags for the QEMU child.
unsigned long long QemuNamespaceFlags();

// Parent, after clone3: the child's uid_map/gid_map (and setgroups).
Status WriteQemuIdMaps(const QemuConfinement& c, pid_t pid);

// Child, in its new namespaces: makes the mount view and drops every
// capability. On failure returns -1 with errno set and *step naming what failed.
int ConfineMountsInChild(const QemuConfinement& c, const char** step);
// Then: no capability in any set, supplementary groups dropped (full map),
// identity uid/gid (full map only), no-new-privs.
int DropAllCapsInChild(const QemuConfinement& c, uid_t uid, gid_t gid, const char** step);

}  // namespace vsb::vm
