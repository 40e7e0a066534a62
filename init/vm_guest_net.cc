// Guest network (-N with the VM engine): after the root is switched, each
// virtio-net NIC is found by the MAC the host gave its QEMU device, renamed
// to its planned name, configured statically or by DHCP, filtered (nft), and the private
// /etc/resolv.conf and /etc/hosts are bound read-only over the host's (the
// 9p root is read-only and must not change). Guest init is root here; the
// command that runs later holds no CAP_NET_ADMIN unless -p.
#include <dirent.h>
#include <fcntl.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "init/vm_guest.h"
#include "net/dhcp_client.h"
#include "net/netlink.h"
#include "net/nft.h"

namespace vsb::init {
namespace {

constexpr const char* kNetDir = "/run/.virt-sandbox-net";  // staging tmpfs, detached when done

bool Fail(GuestFailure* why, std::string step, int err) {
  why->step = std::move(step);
  why->err = err;
  return false;
}

// The kernel's name of the NIC whose MAC is `mac` ("" when absent).
std::string FindByMac(const std::string& mac) {
  std::string found;
  if (DIR* d = opendir("/sys/class/net")) {
    while (dirent* e = readdir(d)) {
      if (e->d_name[0] == '.') continue;
      if (strcasecmp(ReadLine(std::string("/sys/class/net/") + e->d_name + "/address").c_str(),
                     mac.c_str()) == 0)
        found = e->d_name;
    }
    closedir(d);
  }
  return found;
}

bool Rename(const std::string& from, const std::string& to, GuestFailure* why) {
  if (from == to) return true;
  int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0) return Fail(why, "socket for " + from, errno);
  ifreq ifr{};
  strncpy(ifr.ifr_name, from.c_str(), IFNAMSIZ - 1);
  strncpy(ifr.ifr_newname, to.c_str(), IFNAMSIZ - 1);
  int rc = ioctl(s, SIOCSIFNAME, &ifr);
  int err = errno;
  close(s);
  return rc == 0 || Fail(why, "rename " + from + " to " + to, err);
}

bool Check(const Status& s, GuestFailure* why) {
  // The message already carries strerror; 0 keeps the host from adding it twice.
  return s.has_value() || Fail(why, s.error().message(), 0);
}

bool ConfigureOne(net::Netlink& nl, const proto::GuestInterface& iface, std::string* resolv,
                  GuestFailure* why) {
  std::string kernel_name = FindByMac(iface.mac);
  if (kernel_name.empty()) return Fail(why, "find the NIC with MAC " + iface.mac + " (virtio_net loaded?)", ENODEV);
  if (!Rename(kernel_name, iface.name, why)) return false;
  if (iface.mtu && !Check(nl.SetMtu(iface.name, iface.mtu), why)) return false;
  if (!Check(nl.SetUp(iface.name), why)) return false;
  for (const auto& a : iface.addresses)
    if (!Check(nl.AddAddress(iface.name, {a.ip, a.prefix, a.broadcast}), why)) return false;
  for (const auto& r : iface.routes)
    if (!Check(nl.AddRoute(iface.name, {r.destination, r.prefix, r.gateway, r.v6}), why)) return false;
  if (!iface.dhcp) return true;
  net::Mac mac{};
  if (!net::ParseMac(iface.mac, mac.data())) return Fail(why, "parse MAC " + iface.mac, EINVAL);
  auto lease = net::RunDhcp(iface.name, mac);
  if (!lease) return Fail(why, lease.error().message(), 0);
  if (lease->mtu >= 576 && !Check(nl.SetMtu(iface.name, lease->mtu), why)) return false;
  if (!Check(nl.AddAddress(iface.name, {net::Ipv4Text(lease->address), lease->prefix, ""}), why)) return false;
  if (lease->has_router &&
      !Check(nl.AddRoute(iface.name, {"", 0, net::Ipv4Text(lease->router), false}), why))
    return false;
  for (const auto& d : lease->dns) *resolv += "nameserver " + net::Ipv4Text(d) + "\n";
  return true;
}

bool WriteFile(const std::string& path, const std::string& text, GuestFailure* why) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Fail(why, "create " + path, errno);
  bool ok = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  int err = errno;
  close(fd);
  return ok || Fail(why, "write " + path, err);
}

// Binds `file` read-only over `target`; a target that is a symlink on the
// host is refused rather than followed out of the sandbox's view.
bool BindOver(const std::string& file, const char* target, GuestFailure* why) {
  struct stat st;
  if (lstat(target, &st) == 0 && S_ISLNK(st.st_mode))
    return Fail(why, std::string(target) + " is a symlink in the root; cannot give the sandbox its own", ELOOP);
  if (mount(file.c_str(), target, nullptr, MS_BIND, nullptr) < 0) return Fail(why, std::string("bind ") + target, errno);
  if (mount(nullptr, target, nullptr, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
            nullptr) < 0)
    return Fail(why, std::string("make ") + target + " read-only", errno);
  return true;
}

}  // namespace

bool ConfigureGuestNetwork(const proto::GuestSetup& setup, GuestFailure* why) {
  if (setup.interfaces.empty()) return true;
  auto nl = net::Netlink::Open();
  if (!nl) return Fail(why, nl.error().message(), 0);
  std::string resolv;
  for (const auto& d : setup.dns) resolv += "nameserver " + d + "\n";
  for (const auto& iface : setup.interfaces)
    if (!ConfigureOne(*nl, iface, &resolv, why)) return false;
  // filter=: the same ruleset a container gets, applied before the command
  // starts; the command holds no CAP_NET_ADMIN in the guest (unless -p).
  if (!setup.nft_ruleset.empty() && !Check(net::ApplyNftRuleset(setup.nft_ruleset), why)) return false;
  mkdir(kNetDir, 0700);
  if (mount("tmpfs", kNetDir, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=64k,mode=0755") < 0)
    return Fail(why, std::string("mount tmpfs on ") + kNetDir, errno);
  const std::string dir = kNetDir;
  if (!WriteFile(dir + "/resolv.conf", resolv, why) || !WriteFile(dir + "/hosts", setup.hosts_file, why) ||
      !BindOver(dir + "/resolv.conf", "/etc/resolv.conf", why) || !BindOver(dir + "/hosts", "/etc/hosts", why))
    return false;
  // The binds keep the files; the staging mount itself leaves the view.
  umount2(kNetDir, MNT_DETACH);
  rmdir(kNetDir);
  return true;
}

}  // namespace vsb::init
