// virt-sandbox-init as PID 1 of a VM guest.
//
// Detection (IsVmGuest): we are PID 1 and fd 1000 (proto::kSpecFd, which the
// container engine always hands to init) is not open. In a VM nobody hands
// init any fd beyond the console.
//
// VmGuestMain: mounts /proc, /sys, devtmpfs; loads /modules.list with
// finit_module; opens the "vsb.channel" virtio-serial port; answers HELLO with
// READY; receives SETUP and SPEC; mounts the 9p root read-only at /newroot
// plus the SETUP mounts; switches root (MS_MOVE + chroot); brings lo up; starts
// the command with SpawnCommand; relays stdio; reaps every process; sends EXIT
// after stdout and stderr are drained; syncs; waits for QUIT; powers off.
// Never returns.
#pragma once

#include <string>

#include "proto/channel.h"

namespace vsb::init {

bool IsVmGuest();
[[noreturn]] int VmGuestMain();

// Why a guest setup step failed (sent to the host as EXIT kSetupFailed).
struct GuestFailure {
  std::string step;  // "mount 9p vsbroot on /newroot"
  int err = 0;
};

// init/vm_guest_mounts.cc: everything from the 9p root to the chroot.
// Returns false and fills *why on failure.
bool BuildGuestRoot(const proto::GuestSetup& setup, uint32_t uid, uint32_t gid, GuestFailure* why);
bool BringUpLoopback(GuestFailure* why);
// One line of a small sysfs file ("" if unreadable).
std::string ReadLine(const std::string& path);
// init/vm_guest_limits.cc: --pids inside the guest (a cgroup init joins
// before it starts the command, so the command and all it forks are in it).
bool LimitGuestTasks(uint64_t pids_max, GuestFailure* why);
// init/vm_guest_net.cc: -N interfaces, DHCP, private resolv.conf and hosts.
bool ConfigureGuestNetwork(const proto::GuestSetup& setup, GuestFailure* why);

// init/vm_guest_boot.cc: API mounts and modules before the channel exists.
bool MountEarly(GuestFailure* why);
bool LoadModules(const char* list, const char* dir, GuestFailure* why);
// Opens the virtio-serial port named `name`, waiting up to timeout_ms for it
// to appear (ports are created asynchronously after virtio_console loads).
int OpenPort(const char* name, int timeout_ms, GuestFailure* why);
void KernelLog(const std::string& line);
[[noreturn]] void PowerOff();

// init/vm_floor.cc: the benchmark baseline (vsb.floor=PATH on the kernel
// command line); "" when not requested. FloorMain never returns.
std::string FloorCommand();
[[noreturn]] void FloorMain(const std::string& path);

// Milliseconds of CLOCK_MONOTONIC (guest clocks lag under TCG: use for
// intervals in debug output only).
long GuestMs();

}  // namespace vsb::init
