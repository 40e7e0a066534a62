// VmPlan → JSON for --dump-plan and the golden tests.
#include <nlohmann/json.hpp>

#include "policy/network_plan_json.h"
#include "policy/vm_compile.h"

namespace vsb::policy {

std::string VmPlanToJson(const VmPlan& p) {
  using nlohmann::json;
  json shares = json::array(), disks = json::array(), mounts = json::array();
  for (const auto& s : p.shares)
    shares.push_back({{"tag", s.tag}, {"host_path", s.host_path}, {"readonly", s.readonly}});
  for (const auto& d : p.disks)
    disks.push_back({{"id", d.id}, {"host_path", d.host_path}, {"format", d.format},
                     {"readonly", d.readonly}});
  static const char* kinds[] = {"?", "9p", "tmpfs", "block", "bind", "mask"};
  for (const auto& m : p.setup.mounts)
    mounts.push_back({{"kind", kinds[m.kind]}, {"source", m.source}, {"target", m.target},
                      {"readonly", m.readonly}, {"size_bytes", m.size_bytes}});
  json j = {
      {"engine", "vm"},
      {"qemu", p.qemu},
      {"firmware", p.firmware},
      {"accel", p.accel},
      {"accel_notice", p.accel_notice},
      {"cpu", p.cpu},
      {"memory_mib", p.memory_mib},
      {"vcpus", p.vcpus},
      {"kernel", {{"source", p.kernel_source}, {"vmlinux", p.kernel_cache},
                  {"cmdline", p.kernel_cmdline}}},
      {"initrd", {{"init", p.init_binary}, {"modules_dir", p.modules_dir},
                  {"modules", p.modules}, {"cache_dir", p.cache_dir}}},
      {"shares", shares},
      {"disks", disks},
      {"guest", {{"root_tag", p.setup.root_tag}, {"mounts", mounts},
                 {"hostname", p.setup.hostname}, {"debug_shell", p.setup.debug_shell}}},
      {"command", {{"argv", p.spec.argv}, {"env", p.spec.env}, {"cwd", p.spec.cwd},
                   {"uid", p.spec.uid}, {"gid", p.spec.gid}, {"groups", p.spec.groups},
                   {"keep_caps", p.spec.keep_caps}, {"tty", p.spec.tty},
                   {"seccomp_bytes", p.spec.seccomp_bpf.size()}}},
      {"timeout_seconds", p.timeout_seconds},
      {"handshake_timeout_seconds", p.handshake_timeout_seconds},
      {"debug", p.debug},
      {"qemu_identity", {{"uid", p.qemu_uid}, {"gid", p.qemu_gid}}},
  };
  if (p.network.enabled()) j["network"] = NetworkPlanJson(p.network);
  return j.dump(2);
}

}  // namespace vsb::policy
