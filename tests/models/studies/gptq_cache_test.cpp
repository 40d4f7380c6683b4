// The GPTQ levels cache (models/studies/gptq_cache.h): a file read back
// gives the levels written; a file of another key, a truncated or corrupted
// one is ignored with a reason, never thrown on; the directory follows
// AIMC_CACHE_DIR, XDG_CACHE_HOME, HOME.
#include "models/studies/gptq_cache.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "tests/support/cli_runner.h"

namespace aimc::models {
namespace {

namespace fs = std::filesystem;

WeightLevelTable some_levels() {
  WeightLevelTable t;
  t.set("conv_1", 0, {2, 3, {1, -2, 3, -7, 7, 0}});
  t.set("conv_1", 1, {1, 2, {5, -5}});
  t.set("fc", 0, {1, 1, {-1}});
  return t;
}

std::string bytes_of(const fs::path& p) { return testing::slurp(p); }

void write(const fs::path& p, const std::string& bytes) {
  std::ofstream(p, std::ios::binary) << bytes;
}

TEST(GptqCache, ReadsBackWhatItWrote) {
  testing::ScratchDir dir("gptqcache");
  const std::string path = gptq_cache_path((dir / "sub").string(), "key one");
  EXPECT_NE(path.find("gptq-" + hex64(fnv1a64("key one")) + ".bin"), std::string::npos);
  EXPECT_FALSE(read_gptq_cache(path, "key one").has_value());  // nothing yet, no throw
  ASSERT_TRUE(write_gptq_cache(path, "key one", some_levels()));
  const auto back = read_gptq_cache(path, "key one");
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, some_levels());
}

TEST(GptqCache, AnotherKeyATruncatedOrCorruptFileIsIgnored) {
  testing::ScratchDir dir("gptqbad");
  const fs::path path = dir / "levels.bin";
  ASSERT_TRUE(write_gptq_cache(path.string(), "key", some_levels()));
  const std::string good = bytes_of(path);
  std::string why;
  EXPECT_FALSE(read_gptq_cache(path.string(), "other key", &why).has_value());
  EXPECT_NE(why.find("another key"), std::string::npos) << why;
  for (std::size_t cut : {std::size_t{0}, std::size_t{5}, good.size() / 2, good.size() - 1}) {
    write(path, good.substr(0, cut));
    why.clear();
    EXPECT_FALSE(read_gptq_cache(path.string(), "key", &why).has_value()) << cut;
    EXPECT_FALSE(why.empty());
  }
  for (std::size_t at = 0; at < good.size(); at += 7) {
    std::string bad = good;
    bad[at] = static_cast<char>(bad[at] ^ 0x5a);
    write(path, bad);
    EXPECT_FALSE(read_gptq_cache(path.string(), "key").has_value()) << at;
  }
  write(path, good + "x");
  EXPECT_FALSE(read_gptq_cache(path.string(), "key").has_value());
}

TEST(GptqCache, DirectoryFromTheEnvironment) {
  const auto keep = [](const char* name) {
    const char* v = std::getenv(name);
    return std::make_pair(std::string(name), v ? std::optional<std::string>(v) : std::nullopt);
  };
  const auto saved = {keep("AIMC_CACHE_DIR"), keep("XDG_CACHE_HOME"), keep("HOME")};
  ::setenv("AIMC_CACHE_DIR", "/a", 1);
  ::setenv("XDG_CACHE_HOME", "/x", 1);
  ::setenv("HOME", "/h", 1);
  EXPECT_EQ(cache_directory(), "/a");
  ::unsetenv("AIMC_CACHE_DIR");
  EXPECT_EQ(cache_directory(), "/x/aimc");
  ::unsetenv("XDG_CACHE_HOME");
  EXPECT_EQ(cache_directory(), "/h/.cache/aimc");
  for (const auto& [name, value] : saved)
    if (value)
      ::setenv(name.c_str(), value->c_str(), 1);
    else
      ::unsetenv(name.c_str());
}

}  // namespace
}  // namespace aimc::models
