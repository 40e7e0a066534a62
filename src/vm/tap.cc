#include "vm/tap.h"

#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <sys/ioctl.h>

#include <cerrno>
#include <cstring>

#include "net/netlink.h"

namespace vsb::vm {

Result<UniqueFd> CreateBridgedTap(const std::string& name, const std::string& bridge) {
  if (name.empty() || name.size() >= IFNAMSIZ) return FailInvalid("tap name " + name + ": too long");
  UniqueFd fd(open("/dev/net/tun", O_RDWR | O_CLOEXEC));
  if (!fd) return FailErrno(errno, "open /dev/net/tun (modprobe tun?)");
  ifreq ifr{};
  std::memcpy(ifr.ifr_name, name.c_str(), name.size());
  ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
  if (ioctl(fd.get(), TUNSETIFF, &ifr) < 0) {
    if (errno == EBUSY)  // names derive from the sandbox name: two unnamed VMs share them
      return FailErrno(errno, "create tap " + name + " (another sandbox of the same name has it; use -n NAME)");
    return FailErrno(errno, "create tap " + name);
  }
  VSB_ASSIGN_OR_RETURN(net::Netlink nl, net::Netlink::Open());
  VSB_TRY(nl.SetMaster(name, bridge));
  VSB_TRY(nl.SetUp(name));
  return fd;
}

}  // namespace vsb::vm
