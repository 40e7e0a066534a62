// virt-sandbox: parse, build the config, dispatch. Nothing else lives here.
#include <cstdio>

#include "cli/command_line.h"
#include "cli/diagnostics.h"
#include "cli/run_command.h"
#include "virt-sandbox/sandbox.h"

int main(int argc, char** argv) {
  using namespace vsb::cli;
  auto cl = ParseCommandLine(argc, argv);
  if (!cl) {
    PrintUsageError(cl.error().message());
    return kSetupFailed;
  }
  switch (cl->action) {
    case Action::kHelp:
      std::fputs(cl->help.c_str(), stdout);
      return 0;
    case Action::kVersion:
      std::printf("virt-sandbox %s\n", vsb::Version());
      return 0;
    default:
      break;
  }
  auto config = BuildConfig(*cl);
  if (!config) {
    PrintUsageError(config.error().message());
    return kSetupFailed;
  }
  switch (cl->action) {
    case Action::kDumpConfig:
      return DumpConfig(*config);
    case Action::kDumpPlan:
      return DumpPlan(*config);
    default:
      return RunSandbox(*config);
  }
}
