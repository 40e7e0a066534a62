// A config whose -N list is `specs`, each parsed as the CLI would: shared by
// the network unit tests.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config/option_parsers.h"
#include "virt-sandbox/config.h"

namespace vsb::testing {

inline SandboxConfig ConfigWithNetworks(const std::vector<std::string>& specs) {
  SandboxConfig c;
  c.command = {"true"};
  for (const std::string& s : specs) {
    auto n = config::ParseNetwork(s);
    EXPECT_TRUE(n) << s << ": " << n.error().message();
    if (n) c.networks.push_back(*n);
  }
  return c;
}

}  // namespace vsb::testing
