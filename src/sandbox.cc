// The façade: config → host facts → policy → the chosen engine → RunResult.
#include "virt-sandbox/sandbox.h"

#include "container/engine.h"
#include "host/host_facts.h"
#include "host/seccomp_program.h"
#include "policy/container_compile.h"
#include "policy/vm_compile.h"
#include "version.h"
#include "vm/engine.h"

namespace vsb {
namespace {

Result<EngineKind> EngineOf(const SandboxConfig& config) {
  auto engine = EngineForUri(config.uri);
  if (!engine)
    return FailInvalid("-c " + config.uri + ": unknown URI (use lxc:///, qemu:///session or qemu:///system)");
  return *engine;
}

struct CompiledContainer {
  policy::ContainerPlan plan;
  container::EngineInputs inputs;
};

Result<CompiledContainer> CompileForContainer(const SandboxConfig& config) {
  VSB_ASSIGN_OR_RETURN(host::HostFacts facts, host::GatherHostFacts(config));
  CompiledContainer c;
  VSB_ASSIGN_OR_RETURN(c.plan, policy::CompileContainer(config, facts));
  c.inputs.init_path = facts.init_path;
  VSB_ASSIGN_OR_RETURN(c.inputs.seccomp_bpf,
                       host::LoadSeccompProgram(c.plan.seccomp, c.plan.keep_caps, facts.helper_dir));
  return c;
}

}  // namespace

const char* Version() { return VSB_VERSION; }

int RunResult::ExitStatus() const {
  switch (kind) {
    case Kind::kExited:
      return code;
    case Kind::kSignaled:
      return 128 + signal;
    case Kind::kTimedOut:
      return 124;
    case Kind::kNotFound:
      return 127;
    case Kind::kNotExecutable:
      return 126;
    case Kind::kSetupFailed:
      return 125;
  }
  return 125;
}

RunResult Run(const SandboxConfig& config, const Stdio& stdio) {
  auto engine = EngineOf(config);
  if (!engine) return RunResult::Failed(engine.error());
  if (*engine == EngineKind::kVm) {
    auto plan = policy::CompileVm(config);
    if (!plan) return RunResult::Failed(plan.error());
    return vm::Run(*plan, stdio);
  }
  auto compiled = CompileForContainer(config);
  if (!compiled) return RunResult::Failed(compiled.error());
  return container::Run(compiled->plan, compiled->inputs, stdio);
}

std::string DumpPlan(const SandboxConfig& config, std::optional<Error>* error) {
  auto fail = [&](const Error& e) {
    if (error) *error = e;
    return std::string();
  };
  auto engine = EngineOf(config);
  if (!engine) return fail(engine.error());
  if (*engine == EngineKind::kVm) {
    auto plan = policy::CompileVm(config);
    return plan ? policy::VmPlanToJson(*plan) : fail(plan.error());
  }
  auto compiled = CompileForContainer(config);
  return compiled ? policy::ContainerPlanToJson(compiled->plan) : fail(compiled.error());
}

}  // namespace vsb
