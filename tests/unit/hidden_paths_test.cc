#include "policy/hidden_paths.h"

#include <algorithm>

#include <gtest/gtest.h>

namespace vsb::policy {
namespace {

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

TEST(DefaultHiddenPaths, SystemAndCallerSecrets) {
  auto hidden = DefaultHiddenPaths("/home/alice");
  for (const char* p : {"/etc/shadow", "/etc/gshadow", "/etc/shadow-", "/etc/gshadow-",
                        "/etc/ssh/ssh_host_rsa_key", "/etc/ssh/ssh_host_ecdsa_key",
                        "/etc/ssh/ssh_host_ed25519_key", "/etc/ssh/ssh_host_dsa_key",
                        "/root/.ssh", "/root/.gnupg", "/etc/libvirt", "/var/lib/libvirt",
                        "/home/alice/.ssh", "/home/alice/.gnupg", "/home/alice/.aws",
                        "/home/alice/.config/gcloud", "/home/alice/.azure", "/home/alice/.kube",
                        "/home/alice/.docker", "/home/alice/.password-store",
                        "/home/alice/.netrc", "/home/alice/.mozilla",
                        "/home/alice/.config/google-chrome", "/home/alice/.config/chromium"})
    EXPECT_TRUE(Contains(hidden, p)) << p;
  // Public keys and the host's ssh config are not secrets.
  EXPECT_FALSE(Contains(hidden, "/etc/ssh/ssh_host_rsa_key.pub"));
  EXPECT_FALSE(Contains(hidden, "/etc/ssh"));
  for (const std::string& p : hidden) EXPECT_EQ(p.front(), '/') << p;
}

TEST(DefaultHiddenPaths, HomeIsNormalisedAndNeverDuplicated) {
  auto a = DefaultHiddenPaths("/home/bob/");
  EXPECT_TRUE(Contains(a, "/home/bob/.ssh"));
  EXPECT_FALSE(Contains(a, "/home/bob//.ssh"));
  auto root = DefaultHiddenPaths("/root");
  EXPECT_EQ(std::count(root.begin(), root.end(), "/root/.ssh"), 1);
}

TEST(DefaultHiddenPaths, NoUsableHomeAddsNoHomeEntries) {
  auto none = DefaultHiddenPaths("");
  auto slash = DefaultHiddenPaths("/");
  auto relative = DefaultHiddenPaths("home/x");
  EXPECT_EQ(none, slash);
  EXPECT_EQ(none, relative);
  EXPECT_FALSE(Contains(slash, "/.ssh"));
  EXPECT_TRUE(Contains(none, "/etc/shadow"));
}

TEST(ApplyExpose, RemovesEqualAndBeneathOnly) {
  std::vector<std::string> hidden = {"/etc/shadow", "/home/a/.ssh", "/home/a/.sshd-like",
                                     "/home/a/.config/gcloud", "/var/lib/libvirt"};
  auto out = ApplyExpose(hidden, {"/home/a/.ssh/", "/home/a/.config", "/var/lib/libvirt/images"});
  EXPECT_EQ(out, (std::vector<std::string>{"/etc/shadow", "/home/a/.sshd-like", "/var/lib/libvirt"}));
}

TEST(ApplyExpose, EdgeCases) {
  std::vector<std::string> hidden = {"/etc/shadow", "/root/.ssh"};
  EXPECT_EQ(ApplyExpose(hidden, {}), hidden);
  EXPECT_EQ(ApplyExpose(hidden, {""}), hidden);
  EXPECT_TRUE(ApplyExpose(hidden, {"/"}).empty());
  EXPECT_EQ(ApplyExpose(hidden, {"/etc/shad"}), hidden);
}

}  // namespace
}  // namespace vsb::policy
