// ParseSize / FormatSize: the K/M/G suffixes of -m ram:, --memory and the
// config file.
#include <gtest/gtest.h>

#include "config/option_parsers.h"

namespace vsb::config {
namespace {

struct SizeCase {
  const char* text;
  uint64_t bytes;
};

TEST(ConfigSize, AcceptsEverySuffix) {
  const SizeCase cases[] = {
      {"0", 0},           {"1", 1},
      {"4096", 4096},     {"1K", 1024},
      {"1KiB", 1024},     {"500M", 500ull << 20},
      {"2MiB", 2ull << 20}, {"3G", 3ull << 30},
      {"1GiB", 1ull << 30}, {"17179869183G", 17179869183ull << 30},
  };
  for (const SizeCase& c : cases) {
    auto size = ParseSize(c.text);
    ASSERT_TRUE(size.has_value()) << c.text << ": " << size.error().message();
    EXPECT_EQ(*size, c.bytes) << c.text;
  }
}

TEST(ConfigSize, RejectsMalformedWithTheBadPartNamed) {
  const char* bad[] = {"",    "5X",  "K",    "-1",   "1.5G", " 1M", "1M ", "1m",
                       "1KB", "1Gi", "0x10", "1e3",  "1 K",  "+5",  "5MiBs"};
  for (const char* text : bad) {
    auto size = ParseSize(text);
    ASSERT_FALSE(size.has_value()) << text;
    EXPECT_NE(size.error().message().find("\"" + std::string(text) + "\""), std::string::npos)
        << size.error().message();
    EXPECT_EQ(size.error().code(), ErrorCode::kInvalidArgument);
  }
  EXPECT_EQ(ParseSize("5X").error().message(), "invalid size \"5X\" (use a number with K, M or G, e.g. 512M)");
}

TEST(ConfigSize, RejectsOverflow) {
  EXPECT_FALSE(ParseSize("17179869184G").has_value());
  EXPECT_FALSE(ParseSize("18446744073709551616").has_value());
  EXPECT_TRUE(ParseSize("18446744073709551615").has_value());
  EXPECT_FALSE(ParseSize("99999999999999999999999999K").has_value());
}

TEST(ConfigSize, FormatReadsBackExactly) {
  const uint64_t values[] = {0, 1, 1023, 1024, 1536, 1ull << 20, (1ull << 20) + 1, 5ull << 30,
                             UINT64_MAX, 3ull << 40};
  for (uint64_t v : values) {
    std::string text = FormatSize(v);
    auto back = ParseSize(text);
    ASSERT_TRUE(back.has_value()) << text;
    EXPECT_EQ(*back, v) << text;
  }
  EXPECT_EQ(FormatSize(512ull << 20), "512M");
  EXPECT_EQ(FormatSize(2ull << 30), "2G");
  EXPECT_EQ(FormatSize(1000), "1000");
}

}  // namespace
}  // namespace vsb::config
