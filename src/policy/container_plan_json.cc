#include <nlohmann/json.hpp>

#include "policy/container_compile.h"
#include "policy/network_plan_json.h"

namespace vsb::policy {
namespace {

const char* KindName(PlannedMount::Kind k) {
  switch (k) {
    case PlannedMount::Kind::kHostBind:
      return "host-bind";
    case PlannedMount::Kind::kHostImage:
      return "host-image";
    case PlannedMount::Kind::kGuestBind:
      return "guest-bind";
    case PlannedMount::Kind::kTmpfs:
      return "tmpfs";
  }
  return "?";
}

}  // namespace

std::string ContainerPlanToJson(const ContainerPlan& plan) {
  using nlohmann::json;
  json mounts = json::array();
  for (const auto& m : plan.mounts) {
    json j = {{"kind", KindName(m.kind)}, {"target", m.target}, {"writable", m.writable}};
    if (!m.source.empty()) j["source"] = m.source;
    if (m.temp_source) j["temp_source"] = true;
    if (m.kind == PlannedMount::Kind::kTmpfs) {
      j["size_bytes"] = m.size_bytes;
      j["mode"] = m.mode;
    }
    if (!m.format.empty()) j["format"] = m.format;
    for (const auto& inc : m.includes) j["includes"].push_back({{"guest", inc.guest_path}, {"host", inc.host_path}});
    mounts.push_back(j);
  }
  json j = {
      {"engine", "container"},
      {"name", plan.name},
      {"hostname", plan.hostname},
      {"root", plan.root},
      {"namespaces", {"user", "mount", "pid", "ipc", "uts", "net", "cgroup"}},
      {"id_map",
       {{"all_ids", plan.map_all_ids},
        {"caller_uid", plan.caller_uid},
        {"caller_gid", plan.caller_gid},
        {"inside_uid", plan.inside_uid},
        {"inside_gid", plan.inside_gid}}},
      {"mounts", mounts},
      {"hidden", plan.hidden},
      {"command",
       {{"argv", plan.argv},
        {"env", plan.env},
        {"cwd", plan.cwd},
        {"cwd_required", plan.cwd_required},
        {"uid", plan.uid},
        {"gid", plan.gid},
        {"groups", plan.groups},
        {"keep_caps", plan.keep_caps},
        {"tty", plan.tty},
        {"pass_fds", plan.pass_fds}}},
      {"hardening",
       {{"seccomp", plan.seccomp},
        {"landlock", plan.landlock},
        {"landlock_writable", plan.landlock_writable},
        {"no_new_privs", true}}},
      {"limits", {{"memory_bytes", plan.memory_bytes}, {"cpus", plan.cpus}, {"pids", plan.pids}}},
      {"timeout_seconds", plan.timeout_seconds},
  };
  if (plan.network.enabled()) j["network"] = NetworkPlanJson(plan.network);
  return j.dump(2);
}

}  // namespace vsb::policy
