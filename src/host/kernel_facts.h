// KernelFacts: what the VM engine needs to know about the host before it
// plans a guest: which kernel and modules to boot, whether /dev/kvm can run
// that kernel, where QEMU and its firmware are. Gathered once (file reads and
// stats live here); every decision on them is a pure function.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"

namespace vsb::host {

struct FileStamp {
  std::string path;
  uint64_t size = 0;
  int64_t mtime_ns = 0;
  bool operator==(const FileStamp&) const = default;
};

struct KernelFacts {
  std::string version;        // e.g. "6.1.0-57-amd64"
  FileStamp kernel;           // the bzImage (or vmlinux) to boot
  std::string modules_dir;    // /lib/modules/<version>
  std::string modules_dep;    // content of modules.dep ("" if missing)
  std::string kernel_config;  // content of /boot/config-<version> ("" if missing)

  // /dev/kvm.
  bool kvm_openable = false;  // open(O_RDWR) succeeded
  bool kvm_pvm = false;       // the host KVM is kvm_pvm (/sys/module/kvm_pvm)

  uint64_t tsc_khz = 0;       // host TSC rate (constant_tsc), 0 if unknown
  std::string qemu;           // qemu-system-x86_64 path ("" if missing)
  std::string qboot;          // qboot.rom path ("" if missing)
  std::string init_binary;    // the static virt-sandbox-init ("" if missing)
  FileStamp init_stamp;

  // The caller.
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;
  std::string cwd;
  std::string term;           // $TERM
  std::string home;           // $HOME
  bool stdin_is_tty = false;  // isatty(0)

  // Where kernels and initrds are cached: /var/cache/virt-sandbox for root,
  // else $XDG_CACHE_HOME/virt-sandbox or ~/.cache/virt-sandbox.
  std::string cache_dir;
};

struct KernelRequest {
  std::string kernver;   // --kernver (default: the running kernel, else newest in /boot)
  std::string kernpath;  // --kernpath
  std::string kmodpath;  // --kmodpath
};

Result<KernelFacts> GatherKernelFacts(const KernelRequest& req);

// Pure: can /dev/kvm boot this guest kernel? A PVM host only runs kernels
// built with PVM guest support (CONFIG_PVM_GUEST); stock kernels stall in
// emulation, so the engine falls back to TCG.
bool KvmCanRunKernel(const KernelFacts& f, std::string* why_not);

// Pure: modules.dep text → ordered relative paths of `names` and everything
// they depend on, dependencies first. Missing names are skipped (they may be
// built in) and returned in *missing.
std::vector<std::string> ResolveModules(const std::string& modules_dep,
                                        const std::vector<std::string>& names,
                                        std::vector<std::string>* missing);

}  // namespace vsb::host
