// The guest's initrd: an uncompressed newc cpio holding /init (the static
// virt-sandbox-init), the kernel modules it loads (in order, listed in
// /modules.list) and /dev/console. Uncompressed because decompression is the
// slowest part of an appliance boot under emulation.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"

namespace vsb::vm {

struct InitrdEntry {
  std::string name;       // path inside the archive, no leading '/'
  uint32_t mode = 0;      // S_IFDIR|0755, S_IFREG|0755, S_IFCHR|0600, ...
  std::string host_file;  // content comes from this host file ("" = `data`)
  std::string data;
  uint32_t rdev_major = 0, rdev_minor = 0;
  bool strip_signature = false;  // a module: drop the appended signature
  bool operator==(const InitrdEntry&) const = default;
};

// Pure: the archive's entries, in archive order.
std::vector<InitrdEntry> InitrdEntries(const std::string& init_binary,
                                       const std::string& modules_dir,
                                       const std::vector<std::string>& modules);

// Pure: a module file without its appended signature ("~Module signature
// appended~\n" trailer), or unchanged when it has none. The guest kernel
// then loads it without spending time on RSA verification.
std::string StripModuleSignature(std::string ko);

// Pure: the newc cpio archive of entries whose contents are given.
std::string WriteCpio(const std::vector<InitrdEntry>& entries,
                      const std::vector<std::string>& contents);

// Reads the entries' files, and returns cache_dir/initrd-<content hash>.cpio,
// writing it first if no earlier run did. A changed init or module gives a new
// hash, so stale archives are never booted.
Result<std::string> EnsureInitrd(const std::vector<InitrdEntry>& entries,
                                 const std::string& cache_dir);

}  // namespace vsb::vm
