// The option table of `virt-sandbox [OPTIONS] [--] COMMAND [ARGS...]`.
//
// CLI11 only checks syntax here; every value stays a string until
// config_builder.cc parses it, so each error can name the bad part precisely.
// Parsing stops at the first positional argument or at `--` (prefix_command),
// so in `virt-sandbox ls -l` the `-l` belongs to ls, not to --shell.
#include <CLI/CLI.hpp>

#include "cli/command_line.h"
#include "config/quote.h"

namespace vsb::cli {
namespace {

constexpr const char* kDescription =
    "Run a host program in a confined sandbox: a container (-c lxc:///, the default) or a "
    "virtual machine (-c qemu:///session). The host root is shown read-only; the command gets "
    "private /tmp, no network and no capabilities unless options say otherwise.";

// CLI11 2.1 has no App::usage(); the synopsis comes from the formatter.
class UsageFormatter : public CLI::Formatter {
 public:
  std::string make_usage(const CLI::App*, std::string) const override {
    return "Usage: virt-sandbox [OPTIONS] [--] COMMAND [ARGS...]\n";
  }
};

// A single-valued option that overrides the config file only when given; the
// last occurrence wins, as with most tools.
CLI::Option* Scalar(CLI::App& app, const std::string& names, std::optional<std::string>& out,
                    const std::string& type, const std::string& help) {
  return app
      .add_option_function<std::string>(names, [&out](const std::string& v) { out = v; }, help)
      ->type_name(type)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
}

// A repeatable option: one value per occurrence, appended in order.
CLI::Option* Repeated(CLI::App& app, const std::string& names, std::vector<std::string>& out,
                      const std::string& type, const std::string& help) {
  return app.add_option(names, out, help)->type_name(type)->allow_extra_args(false);
}

void AddOptions(CLI::App& app, CommandLine& cl, bool& dump_config, bool& dump_plan, bool& version) {
  Scalar(app, "-c,--connect", cl.uri, "URI", "engine: lxc:/// (default), qemu:///session, qemu:///system");
  Scalar(app, "-n,--name", cl.name, "NAME", "sandbox name (default: unique)");
  Repeated(app, "-e,--env", cl.env, "KEY=VALUE", "set an environment variable (repeatable)");
  Repeated(app, "-m,--mount", cl.mounts, "TYPE:DST=SRC",
           "add a mount: host-bind, host-image, guest-bind, ram (repeatable)");
  Repeated(app, "-i,--include", cl.includes, "GUEST=HOST",
           "copy a host file into a host-bind temp dir (repeatable)");
  Repeated(app, "-I,--includefile", cl.include_files, "FILE", "file of GUEST=HOST lines");
  Repeated(app, "-N,--network", cl.networks, "KEY=VAL,...", "add a network interface (not implemented yet)");
  app.add_flag("-p,--privileged", cl.privileged, "root inside the sandbox (still namespaced)");
  Scalar(app, "-S,--switchto", cl.switch_to, "USER", "run the command as USER (root callers only)");
  Scalar(app, "-r,--root", cl.root, "DIR", "use DIR as the sandbox root instead of /");
  Scalar(app, "--hostname", cl.hostname, "NAME", "hostname inside (default: the sandbox name)");
  Scalar(app, "--cwd", cl.cwd, "DIR", "working directory inside");
  auto* tty = app.add_flag("--tty", cl.tty, "always give the command a terminal");
  auto* no_tty = app.add_flag("--no-tty", cl.no_tty, "never give the command a terminal");
  tty->excludes(no_tty);
  no_tty->excludes(tty);
  Scalar(app, "--timeout", cl.timeout, "SECONDS", "end the sandbox after SECONDS (exit 124)");
  app.add_flag("-v,--verbose", cl.verbose, "print what is being set up");
  app.add_flag("-d,--debug", cl.debug, "print debugging detail");
  app.add_flag("-V,--version", version, "print the version and exit");
  Scalar(app, "--config", cl.config_file, "FILE", "read options from a TOML file first");
  app.add_flag("--dump-config", dump_config, "print the effective config as TOML and exit");
  app.add_flag("--dump-plan", dump_plan, "print the compiled plan as JSON and exit");
  Scalar(app, "--memory", cl.memory, "SIZE", "memory limit, e.g. 512M");
  Scalar(app, "--cpus", cl.cpus, "N", "CPU limit, fractional allowed, e.g. 0.5");
  Scalar(app, "--pids", cl.pids, "N", "limit on the number of processes");
  Scalar(app, "--seccomp", cl.seccomp, "PROFILE|FILE|unconfined", "system call filter (default: default)");
  Repeated(app, "--expose", cl.expose, "PATH", "show a path hidden by default (repeatable)");
  Repeated(app, "--pass-fd", cl.pass_fds, "N", "pass file descriptor N into the sandbox (repeatable)");
  Scalar(app, "--kernver", cl.kernver, "VERSION", "VM: guest kernel release (default: uname -r)");
  Scalar(app, "--kernpath", cl.kernpath, "FILE", "VM: kernel image");
  Scalar(app, "--kmodpath", cl.kmodpath, "DIR", "VM: kernel module root");
  Scalar(app, "--accel", cl.accel, "kvm|tcg", "VM: accelerator (default: automatic)");
  app.add_flag("-l,--shell", cl.shell, "VM: start a debug shell on a second console");
}

}  // namespace

Result<CommandLine> ParseCommandLine(int argc, char** argv) {
  CommandLine cl;
  bool dump_config = false, dump_plan = false, version = false;
  CLI::App app(kDescription, "virt-sandbox");
  app.formatter(std::make_shared<UsageFormatter>());
  app.prefix_command();
  AddOptions(app, cl, dump_config, dump_plan, version);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    cl.action = Action::kHelp;
    cl.help = app.help();
    return cl;
  } catch (const CLI::CallForAllHelp&) {
    cl.action = Action::kHelp;
    cl.help = app.help("", CLI::AppFormatMode::All);
    return cl;
  } catch (const CLI::ParseError& e) {
    return FailInvalid(std::string(e.what()) + " (see virt-sandbox --help)");
  }
  std::vector<std::string> rest = app.remaining();
  if (!rest.empty() && rest.front() == "--") {
    rest.erase(rest.begin());
  } else if (!rest.empty() && rest.front().size() > 1 && rest.front().front() == '-') {
    // prefix_command stops at the first argument it does not know; one that
    // looks like an option is a typo, not a command.
    return FailInvalid("unknown option " + config::Quote(rest.front()) +
                       " (see virt-sandbox --help; a command starting with - goes after --)");
  }
  cl.command = std::move(rest);
  if (version) {
    cl.action = Action::kVersion;
  } else if (dump_config && dump_plan) {
    return FailInvalid("--dump-config and --dump-plan exclude each other (choose one)");
  } else if (dump_config) {
    cl.action = Action::kDumpConfig;
  } else if (dump_plan) {
    cl.action = Action::kDumpPlan;
  }
  return cl;
}

}  // namespace vsb::cli
