#include "policy/hidden_paths.h"

#include <algorithm>

namespace vsb::policy {
namespace {

constexpr std::string_view kSystemSecrets[] = {
    "/etc/shadow",          // password hashes
    "/etc/gshadow",
    "/etc/shadow-",         // their backups
    "/etc/gshadow-",
    "/etc/security/opasswd",  // previous password hashes (pam_pwhistory)
    "/etc/ssh/ssh_host_rsa_key",  // host private keys: impersonate the host
    "/etc/ssh/ssh_host_dsa_key",
    "/etc/ssh/ssh_host_ecdsa_key",
    "/etc/ssh/ssh_host_ed25519_key",
    "/etc/ssl/private",     // TLS private keys
    "/etc/krb5.keytab",     // Kerberos host key
    "/etc/libvirt",         // libvirt secrets and configuration
    "/var/lib/libvirt",     // VM images and secrets
    "/etc/sudoers.d",       // who may become root, and how
    "/var/lib/sudo",        // sudo timestamps
    "/root/.ssh",
    "/root/.gnupg",
};

// Relative to the caller's home directory.
constexpr std::string_view kHomeSecrets[] = {
    "/.ssh",                          // private keys, agent configuration
    "/.gnupg",                        // GPG private keys
    "/.password-store",               // pass(1)
    "/.netrc",                        // FTP/HTTP passwords (curl, git)
    "/.pgpass",                       // PostgreSQL passwords
    "/.git-credentials",              // git credential-store
    "/.aws",                          // cloud credentials
    "/.azure",
    "/.config/gcloud",
    "/.kube",                         // Kubernetes cluster credentials
    "/.docker",                       // registry auth; docker = root on the host
    "/.config/containers/auth.json",  // podman registry auth
    "/.mozilla",                      // browser cookies and saved passwords
    "/.config/google-chrome",
    "/.config/chromium",
    "/.config/BraveSoftware",
    "/.local/share/keyrings",         // GNOME keyring
};

std::string_view StripTrailingSlashes(std::string_view p) {
  while (p.size() > 1 && p.back() == '/') p.remove_suffix(1);
  return p;
}

// True when `path` is `dir` or lies beneath it ("/a/b" is beneath "/a", but
// "/ab" is not).
bool IsBeneath(std::string_view path, std::string_view dir) {
  path = StripTrailingSlashes(path);
  dir = StripTrailingSlashes(dir);
  if (dir == "/") return !path.empty() && path.front() == '/';
  if (!path.starts_with(dir)) return false;
  return path.size() == dir.size() || path[dir.size()] == '/';
}

}  // namespace

std::vector<std::string> DefaultHiddenPaths(std::string_view caller_home) {
  std::vector<std::string> out;
  for (std::string_view p : kSystemSecrets) out.emplace_back(p);
  std::string_view home = StripTrailingSlashes(caller_home);
  if (!home.empty() && home.front() == '/' && home != "/") {
    for (std::string_view rel : kHomeSecrets) out.push_back(std::string(home) + std::string(rel));
  }
  // caller_home may be /root: do not list /root/.ssh twice.
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<std::string> ApplyExpose(std::vector<std::string> hidden,
                                     const std::vector<std::string>& expose) {
  std::erase_if(hidden, [&](const std::string& h) {
    return std::any_of(expose.begin(), expose.end(),
                       [&](const std::string& e) { return !e.empty() && IsBeneath(h, e); });
  });
  return hidden;
}

}  // namespace vsb::policy
