// VmPlan: one VM sandbox, fully resolved. Plain data: the VM engine builds
// exactly this (kernel cache, initrd, QEMU argv, guest setup, command) and
// decides nothing itself. Printed as JSON by --dump-plan.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "proto/channel.h"
#include "policy/network_plan.h"
#include "proto/init_spec.h"
#include "virt-sandbox/config.h"

namespace vsb::policy {

// A host directory exported to the guest over virtio-9p.
struct VmShare {
  std::string tag;        // 9p mount tag, also the QEMU fsdev id
  std::string host_path;  // empty: a scratch dir in the run dir (host-bind with no source)
  bool readonly = true;
  std::string target;             // where the guest mounts it
  std::vector<Include> includes;  // -i files copied into a scratch share
  bool operator==(const VmShare&) const = default;
};

// A host image attached as a virtio-blk disk.
struct VmDisk {
  std::string id;         // drive id; also the disk serial the guest matches
  std::string host_path;
  std::string format;     // "raw" or "qcow2"
  bool readonly = true;
  bool operator==(const VmDisk&) const = default;
};

struct VmPlan {
  std::string qemu;          // qemu-system-x86_64
  std::string firmware;      // qboot.rom ("" = QEMU's default)
  std::string accel;         // "kvm" or "tcg"
  std::string accel_notice;  // why TCG was chosen ("" when KVM or forced)
  std::string cpu;           // -cpu model
  uint64_t memory_mib = 512;
  int vcpus = 1;
  uint64_t tsc_khz = 0;      // TCG: tsc_early_khz

  // Kernel: the bzImage and where its extracted vmlinux is cached.
  std::string kernel_source;  // bzImage as installed
  std::string kernel_cache;   // cached vmlinux path (created by the engine if missing)
  std::string kernel_cmdline;

  // Initrd inputs; the engine writes (or reuses) cache_dir/initrd-<hash>.cpio.
  std::string init_binary;
  std::string modules_dir;
  std::vector<std::string> modules;  // relative to modules_dir, load order
  std::string cache_dir;

  std::vector<VmShare> shares;  // shares[0] is the root
  std::vector<VmDisk> disks;
  NetworkPlan network;          // empty: no NIC at all
  proto::GuestSetup setup;      // sent as SETUP
  proto::InitSpec spec;         // sent as SPEC

  bool tty = false;
  double timeout_seconds = 0;     // 0 = none
  double handshake_timeout_seconds = 60;
  bool debug = false;
  bool verbose = false;
  // QEMU runs as this identity, capabilities dropped, no-new-privs.
  uint32_t qemu_uid = 0;
  uint32_t qemu_gid = 0;
  // --memory/--cpus/--pids: QEMU runs in a per-sandbox cgroup (0 = no limit).
  std::string cgroup_name;  // leaf name ("" = the engine picks one)
  uint64_t cgroup_memory_bytes = 0;
  double cgroup_cpus = 0;
  uint64_t cgroup_pids = 0;
};

}  // namespace vsb::policy
