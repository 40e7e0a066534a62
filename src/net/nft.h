// Applying an nftables ruleset: `nft -f -` with the text on stdin, in the
// caller's current network namespace. nft comes from the host filesystem
// (kNftPath); its stderr (bounded) is part of the error.
#pragma once

#include <string>

#include "base/result.h"

namespace vsb::net {

inline constexpr const char* kNftPath = "/usr/sbin/nft";

Status ApplyNftRuleset(const std::string& ruleset, const std::string& nft = kNftPath);

}  // namespace vsb::net
