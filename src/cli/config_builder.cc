// CommandLine -> SandboxConfig: the --config file first, then the command
// line on top (scalars replace, repeatable options append), then Validate.
// Every error says which option it came from: "-m ram:/tmp=5X: invalid size".
#include <string>

#include "cli/command_line.h"
#include "config/option_parsers.h"
#include "config/quote.h"
#include "config/toml_config.h"
#include "config/validate.h"

namespace vsb::cli {
namespace {

// "-m SPEC: message" with SPEC shown safely (cut, control bytes escaped).
std::unexpected<Error> OptionError(std::string_view option, std::string_view value, const Error& e) {
  return Fail(e.WithContext(std::string(option) + " " + config::Printable(value)));
}

// Applies parse(value) to out when the option was given.
template <class T, class Parse>
Status Override(std::string_view option, const std::optional<std::string>& value, T& out, Parse parse) {
  if (!value) return {};
  auto parsed = parse(*value);
  if (!parsed) return OptionError(option, *value, parsed.error());
  out = std::move(*parsed);
  return {};
}

Result<std::string> AsIs(const std::string& value) { return value; }

Status ApplyScalars(const CommandLine& cl, SandboxConfig& c) {
  VSB_TRY(Override("-c", cl.uri, c.uri, AsIs));
  VSB_TRY(Override("-n", cl.name, c.name, AsIs));
  VSB_TRY(Override("-S", cl.switch_to, c.switch_to, AsIs));
  VSB_TRY(Override("-r", cl.root, c.root, AsIs));
  VSB_TRY(Override("--hostname", cl.hostname, c.hostname, AsIs));
  VSB_TRY(Override("--cwd", cl.cwd, c.cwd, AsIs));
  VSB_TRY(Override("--timeout", cl.timeout, c.timeout_seconds, config::ParseTimeout));
  VSB_TRY(Override("--memory", cl.memory, c.memory_bytes, config::ParseMemory));
  VSB_TRY(Override("--cpus", cl.cpus, c.cpus, config::ParseCpus));
  VSB_TRY(Override("--pids", cl.pids, c.pids, config::ParsePids));
  VSB_TRY(Override("--seccomp", cl.seccomp, c.seccomp, AsIs));
  VSB_TRY(Override("--kernver", cl.kernver, c.kernver, AsIs));
  VSB_TRY(Override("--kernpath", cl.kernpath, c.kernpath, AsIs));
  VSB_TRY(Override("--kmodpath", cl.kmodpath, c.kmodpath, AsIs));
  VSB_TRY(Override("--accel", cl.accel, c.accel, AsIs));
  if (cl.privileged) c.privileged = true;
  if (cl.verbose) c.verbose = true;
  if (cl.debug) c.debug = true;
  if (cl.shell) c.debug_shell = true;
  if (cl.tty) c.tty = TtyMode::kAlways;
  if (cl.no_tty) c.tty = TtyMode::kNever;
  return {};
}

Status ApplyRepeated(const CommandLine& cl, SandboxConfig& c) {
  for (const std::string& spec : cl.env) {
    auto kv = config::ParseEnv(spec);
    if (!kv) return OptionError("-e", spec, kv.error());
    c.env.push_back(std::move(*kv));
  }
  config::NormalizeEnv(c.env);
  for (const std::string& spec : cl.mounts) {
    auto mount = config::ParseMount(spec);
    if (!mount) return OptionError("-m", spec, mount.error());
    c.mounts.push_back(std::move(*mount));
  }
  for (const std::string& spec : cl.includes) {
    auto include = config::ParseInclude(spec);
    if (!include) return OptionError("-i", spec, include.error());
    c.includes.push_back(std::move(*include));
  }
  for (const std::string& file : cl.include_files) {
    auto includes = config::ParseIncludeFile(file);
    if (!includes) return Fail(includes.error().WithContext("-I"));
    c.includes.insert(c.includes.end(), includes->begin(), includes->end());
  }
  for (const std::string& spec : cl.networks) {
    auto network = config::ParseNetwork(spec);
    if (!network) return OptionError("-N", spec, network.error());
    c.networks.push_back(std::move(*network));
  }
  c.expose.insert(c.expose.end(), cl.expose.begin(), cl.expose.end());
  for (const std::string& text : cl.pass_fds) {
    auto fd = config::ParsePassFd(text);
    if (!fd) return OptionError("--pass-fd", text, fd.error());
    c.pass_fds.push_back(*fd);
  }
  return {};
}

}  // namespace

Result<SandboxConfig> BuildConfig(const CommandLine& cl) {
  SandboxConfig config;
  if (cl.config_file) {
    auto loaded = config::LoadToml(*cl.config_file);
    if (!loaded) return Fail(loaded.error().WithContext("--config"));
    config = std::move(*loaded);
  }
  VSB_TRY(ApplyScalars(cl, config));
  VSB_TRY(ApplyRepeated(cl, config));
  if (!cl.command.empty()) config.command = cl.command;
  config::ValidateOptions options;
  options.require_command = cl.action != Action::kDumpConfig;
  VSB_TRY(config::Validate(config, options));
  return config;
}

}  // namespace vsb::cli
