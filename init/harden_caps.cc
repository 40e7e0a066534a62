#include "harden_caps.h"

#include <linux/capability.h>
#include <linux/securebits.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

namespace vsb::init {
namespace {

struct CapSets {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3]{};
};

int CapGet(CapSets* c) { return syscall(SYS_capget, &c->header, c->data) == 0 ? 0 : errno; }
int CapSet(CapSets* c) { return syscall(SYS_capset, &c->header, c->data) == 0 ? 0 : errno; }

bool Has(uint32_t set, int cap) { return (set >> cap) & 1u; }

int ClearAmbient() {
  // EINVAL: a kernel before 4.3 has no ambient set, so nothing to clear.
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL)
    return errno;
  return 0;
}

// Makes CAP_SETPCAP effective when it is only permitted (after setresuid
// with PR_SET_KEEPCAPS). Returns whether it is effective now.
bool RaiseSetpcap() {
  CapSets c;
  if (CapGet(&c) != 0 || !Has(c.data[0].permitted, CAP_SETPCAP)) return false;
  if (Has(c.data[0].effective, CAP_SETPCAP)) return true;
  c.data[0].effective |= 1u << CAP_SETPCAP;
  return CapSet(&c) == 0;
}

}  // namespace

int DropCapabilities(bool keep) {
  if (int err = ClearAmbient(); err != 0) return err;
  if (keep) {
    CapSets c;
    if (int err = CapGet(&c); err != 0) return err;
    for (auto& d : c.data) d.inheritable = 0;
    return CapSet(&c);
  }

  bool setpcap = RaiseSetpcap();
  // Probe caps upward until the kernel says EINVAL (past cap_last_cap): no
  // need for /proc, which may not be mounted yet.
  for (int cap = 0; cap < 64; ++cap) {
    int in_bounding = prctl(PR_CAPBSET_READ, cap, 0, 0, 0);
    if (in_bounding < 0) break;
    if (in_bounding == 1 && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0) return errno;
  }
  // Securebits, locked: uid 0 gains nothing at execve (NOROOT; the empty
  // bounding set already ensures that, this keeps it true should a later
  // change forget the bounding set), ambient caps can never be raised again,
  // and KEEP_CAPS stays off. Needs CAP_SETPCAP; if the bounding set was
  // already empty and we lack it, the sets below still end up empty.
  if (setpcap) {
    unsigned long bits = SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_NO_CAP_AMBIENT_RAISE |
                         SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED | SECBIT_KEEP_CAPS_LOCKED;
    if (prctl(PR_SET_SECUREBITS, bits, 0, 0, 0) != 0) return errno;
  }
  CapSets none;  // every set zero; lowering is always permitted
  return CapSet(&none);
}

}  // namespace vsb::init
