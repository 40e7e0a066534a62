// Secrets a sandboxed program has no business reading, hidden by default.
//
// The host root is shown read-only, but read-only still shows every file the
// user can read. The container engine masks each path of this list that
// exists (a file with an empty read-only file, a directory with an empty
// read-only tmpfs); --expose PATH is the explicit way back. Pure: no syscalls.
//
// ---- man page: HIDDEN PATHS (copy from here) -------------------------------
// By default the sandbox hides these credential stores; they appear empty:
//   /etc/shadow /etc/gshadow /etc/shadow- /etc/gshadow-   password hashes
//   /etc/security/opasswd                                 old password hashes
//   /etc/ssh/ssh_host_{rsa,dsa,ecdsa,ed25519}_key         SSH host private keys
//   /etc/ssl/private                                      TLS private keys
//   /etc/krb5.keytab                                      Kerberos host key
//   /etc/libvirt /var/lib/libvirt                         libvirt secrets, VM images
//   /etc/sudoers.d /var/lib/sudo                          sudo rules, timestamps
//   /root/.ssh /root/.gnupg                               root's keys
//   and in the caller's home directory:
//   ~/.ssh ~/.gnupg ~/.password-store ~/.netrc ~/.pgpass ~/.git-credentials
//   ~/.aws ~/.azure ~/.config/gcloud ~/.kube ~/.docker ~/.config/containers/auth.json
//   ~/.mozilla ~/.config/google-chrome ~/.config/chromium
//   ~/.config/BraveSoftware ~/.local/share/keyrings
// --expose PATH makes PATH and everything beneath it visible again
// (e.g. --expose ~/.ssh/known_hosts is not enough to undo the ~/.ssh mask;
// --expose ~/.ssh is).
// ---- end of man page text --------------------------------------------------
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace vsb::policy {

// The default list. caller_home is the invoking user's home directory
// (absolute); empty or "/" adds no per-user entries. Paths are normalised
// (no trailing slash, no duplicates) but not checked for existence.
std::vector<std::string> DefaultHiddenPaths(std::string_view caller_home);

// `hidden` without every path equal to or beneath an exposed path. Exposing
// a directory uncovers the secrets under it; exposing a file beneath a hidden
// directory does not uncover that directory (the mask stays: the engine
// cannot show one file of a hidden tree). Trailing slashes are ignored;
// "/" exposes everything.
std::vector<std::string> ApplyExpose(std::vector<std::string> hidden,
                                     const std::vector<std::string>& expose);

}  // namespace vsb::policy
