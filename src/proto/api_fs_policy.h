// What a sandbox sees of the kernel's API filesystems, shared by both
// engines (the container child via container/render.cc, the VM guest's init
// via init/vm_guest_mounts.cc) so the two lists cannot drift apart.
#pragma once

namespace vsb::proto {

// The only device nodes in a sandbox's /dev (a tmpfs), beside devpts,
// /dev/shm and the ptmx/fd/stdio symlinks.
inline constexpr const char* kSandboxDevices[] = {"null", "zero", "full", "random", "urandom", "tty"};

// /proc entries that leak host (or guest kernel) internals or allow
// dangerous writes: masked (files by /dev/null, directories by an empty
// read-only tmpfs). Each is optional: absent entries are skipped.
inline constexpr const char* kProcMasked[] = {
    "/proc/kcore",       "/proc/keys",          "/proc/timer_list", "/proc/sched_debug",
    "/proc/sysrq-trigger", "/proc/acpi",        "/proc/scsi",       "/proc/asound",
    "/proc/latency_stats", "/proc/timer_stats", "/proc/kallsyms",   "/proc/config.gz"};

// /proc subtrees left visible but read-only (sysctls, IRQ affinity, ...).
inline constexpr const char* kProcReadOnly[] = {"/proc/sys", "/proc/irq", "/proc/bus", "/proc/fs"};

// /sys entries masked the same way (/sys itself is read-only).
inline constexpr const char* kSysMasked[] = {"/sys/firmware"};

}  // namespace vsb::proto
