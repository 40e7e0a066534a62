// The config file: TOML in, TOML out.
//
// Schema (every key optional; unknown keys at any level are errors):
//
//   uri = "lxc:///"            name = "web"           command = ["ls", "-l"]
//   privileged = false          switch_to = "nobody"   root = "/"
//   hostname = "box"            cwd = "/tmp"           tty = "auto"  # always|never
//   timeout = 30.5              verbose = false        debug = false
//   seccomp = "default"         expose = ["/home/me/.ssh"]   pass_fds = [3, 4]
//   [env]
//   LANG = "C"
//   [[mount]]                   # one table per mount, in order
//   type = "host-bind"          # host-image | guest-bind | ram
//   target = "/data"            source = "/srv/data"
//   size = "64M"                # ram only
//   format = "qcow2"            # host-image only: raw | qcow2
//   writable = true             # default: false for host-image, else true
//   [[include]]
//   guest = "/data/a.txt"       host = "/home/me/a.txt"
//   [[network]]                 # one table per interface (eth0, eth1, ...), as -N
//   mode = "user"               # or "bridge" (default: bridge when bridge is set)
//   bridge = "br0"              dhcp = false           mac = "02:00:00:00:00:01"
//   mtu = 1500                  address = ["192.0.2.10/24"]   route = ["default%192.0.2.1"]
//   dns = ["192.0.2.1"]         publish = ["8080:80/tcp"]     # user mode only
//   filter = "deny-all"         filter_params = ["allow=out:tcp:192.0.2.1/32:443", "default=deny"]
//   [limits]
//   memory = "512M"             cpus = 1.5             pids = 100
//   [vm]
//   kernver = "6.1.0-13-amd64"  kernpath = "/boot/vmlinuz"  kmodpath = "/lib/modules"
//   accel = "kvm"               shell = false
//
// Errors name the file, the line and the key: `a.toml:7: unknown key "memroy"
// in [limits] (known keys: memory, cpus, pids)`.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"
#include "virt-sandbox/config.h"

namespace vsb::config {

// Parses TOML text; source_name appears in error messages.
Result<SandboxConfig> ParseToml(std::string_view text, std::string_view source_name);
// Reads and parses the file at path.
Result<SandboxConfig> LoadToml(const std::string& path);
// The config as TOML that ParseToml reads back to an equal config (fields at
// their default are left out). Config files are UTF-8: a value with bytes that
// are not UTF-8 cannot be written faithfully.
std::string ToToml(const SandboxConfig& config);

}  // namespace vsb::config
