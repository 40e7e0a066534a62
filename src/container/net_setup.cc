#include "container/net_setup.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>

#include "base/syscalls.h"
#include "container/launch_state.h"
#include "container/pasta.h"
#include "container/render.h"
#include "net/netlink.h"

namespace vsb::container {
namespace {

using policy::PlannedInterface;

constexpr const char* kResolvConf = "/etc/resolv.conf";
constexpr const char* kHosts = "/etc/hosts";

// The bind target inside the sandbox must be a plain file or missing (the
// renderer then creates it); a symlink would redirect the bind.
Status CheckTarget(const std::string& root, const char* target) {
  std::string path = root == "/" ? target : root + target;
  struct stat st;
  if (lstat(path.c_str(), &st) < 0) return {};
  if (S_ISLNK(st.st_mode))
    return FailInvalid(std::string("network: ") + target + " in the sandbox's root (" + path +
                       ") is a symlink; virt-sandbox binds a private copy only over a plain file "
                       "(use -r with a root whose " + target + " is a file)");
  if (!S_ISREG(st.st_mode)) return FailInvalid(std::string("network: ") + target + " is not a regular file");
  return {};
}

Status WriteText(const std::string& path, const std::string& text, bool create) {
  // O_NOFOLLOW: the run directory is ours (0700), this only guards mistakes.
  UniqueFd fd(open(path.c_str(), O_WRONLY | O_TRUNC | O_NOFOLLOW | O_CLOEXEC | (create ? O_CREAT | O_EXCL : 0), 0644));
  if (!fd) return FailErrno(errno, "write " + path);
  if (write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size()))
    return FailErrno(errno, "write " + path);
  return {};
}

Status AttachBridge(const PlannedInterface& iface, pid_t pid) {
  if (geteuid() != 0)
    return FailInvalid("-N bridge=" + iface.bridge + ": attaching to a host bridge needs root");
  std::string ns = "/proc/" + std::to_string(pid) + "/ns/net";
  UniqueFd netns(open(ns.c_str(), O_RDONLY | O_CLOEXEC));
  if (!netns) return FailErrno(errno, "open " + ns);
  VSB_ASSIGN_OR_RETURN(net::Netlink nl, net::Netlink::Open());
  VSB_TRY(nl.CreateVethPair(iface.host_name, iface.name, netns.get()));
  // From here the pair exists; it is deleted with the sandbox's netns.
  VSB_TRY(nl.SetMaster(iface.host_name, iface.bridge));
  if (iface.mtu) VSB_TRY(nl.SetMtu(iface.host_name, iface.mtu));
  return nl.SetUp(iface.host_name);
}

}  // namespace

NetRuntime::~NetRuntime() {
  for (pid_t pid : pasta_pids) {
    kill(pid, SIGKILL);
    while (waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
  }
}

Status PrepareNetwork(const policy::ContainerPlan& plan, LaunchState& st, RenderInputs& in) {
  if (!plan.network.enabled()) return {};
  VSB_TRY(CheckTarget(plan.root, kResolvConf));
  VSB_TRY(CheckTarget(plan.root, kHosts));
  VSB_ASSIGN_OR_RETURN(TempDir dir, TempDir::Create(plan.name + "-net", geteuid(), getegid()));
  st.janitor->TrackDirectory(dir.path());
  st.net.resolv_path = dir.path() + "/resolv.conf";
  st.net.hosts_path = dir.path() + "/hosts";
  st.temp_dirs.push_back(std::move(dir));
  // Empty now; filled in place (same inode, so the child's binds see it)
  // once the resolvers are known, before the command starts.
  VSB_TRY(WriteText(st.net.resolv_path, "", true));
  VSB_TRY(WriteText(st.net.hosts_path, "", true));
  in.file_binds.push_back({kResolvConf, st.net.resolv_path});
  in.file_binds.push_back({kHosts, st.net.hosts_path});
  return {};
}

Status StartNetwork(const policy::ContainerPlan& plan, LaunchState& st) {
  const policy::NetworkPlan& net = plan.network;
  if (!net.enabled()) return {};
  for (const PlannedInterface& iface : net.interfaces) {
    if (iface.mode == PlannedInterface::Mode::kBridge) {
      VSB_TRY(AttachBridge(iface, st.init_pid));
    } else {
      UniqueFd log;
      VSB_ASSIGN_OR_RETURN(pid_t pid, StartPasta(iface, st.init_pid, log));
      st.net.pasta_pids.push_back(pid);
      st.net.pasta_logs.push_back(std::move(log));
      UniqueFd pidfd(sys::PidfdOpen(pid));
      if (!pidfd) return FailErrno(errno, "open pidfd of pasta");
      st.net.pasta_pidfds.push_back(std::move(pidfd));
    }
  }
  std::vector<int> pasta_pidfds;
  for (const UniqueFd& fd : st.net.pasta_pidfds) pasta_pidfds.push_back(fd.get());
  auto learned = RunNetworkHelper(net, st.pidfd.get(), pasta_pidfds);
  if (!learned) {
    std::string pasta;
    for (const UniqueFd& log : st.net.pasta_logs) pasta += ReadPastaLog(log.get());
    if (pasta.empty()) return Fail(learned.error());
    const Error& e = learned.error();
    return Fail(Error(e.code(), e.message() + " (pasta: " + pasta + ")", e.sys_errno()));
  }
  std::vector<std::string> dns = net.dns;
  for (const std::string& d : *learned)
    if (std::find(dns.begin(), dns.end(), d) == dns.end()) dns.push_back(d);
  VSB_TRY(WriteText(st.net.resolv_path, policy::ResolvConfText(dns), false));
  return WriteText(st.net.hosts_path, policy::HostsText(net.hostname.empty() ? plan.hostname : net.hostname), false);
}

}  // namespace vsb::container
