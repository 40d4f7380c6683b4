#include "models/studies/gptq_cache.h"

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "models/studies/output_file.h"

namespace aimc::models {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kMagic = "aimc-gptq-levels\n";

// Fixed-width integers in the host's byte order (the cache stays on the
// machine that wrote it; a file from another order fails its checksum or key).
template <typename T>
void put(std::string& out, T v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

// Reads from a byte string, refusing to run past its end.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}
  template <typename T>
  bool get(T& v) {
    if (bytes_.size() - at_ < sizeof v) return false;
    std::memcpy(&v, bytes_.data() + at_, sizeof v);
    at_ += sizeof v;
    return true;
  }
  bool get(std::string& s, std::size_t n) {
    if (bytes_.size() - at_ < n) return false;
    s.assign(bytes_.substr(at_, n));
    at_ += n;
    return true;
  }
  std::size_t left() const { return bytes_.size() - at_; }

 private:
  std::string_view bytes_;
  std::size_t at_ = 0;
};

std::string encode(const std::string& key, const WeightLevelTable& levels) {
  std::string out(kMagic);
  put<uint64_t>(out, key.size());
  out += key;
  put<uint64_t>(out, levels.blocks().size());
  for (const auto& [where, block] : levels.blocks()) {
    put<uint64_t>(out, where.first.size());
    out += where.first;
    put<int32_t>(out, where.second);
    put<int32_t>(out, block.n);
    put<int32_t>(out, block.k);
    out.append(reinterpret_cast<const char*>(block.q.data()), block.q.size() * sizeof(int16_t));
  }
  put<uint64_t>(out, fnv1a64(out));
  return out;
}

// `count` blocks: name, block index, n, k and the n·k levels.
bool read_blocks(Reader& r, uint64_t count, WeightLevelTable& table) {
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t name_size = 0;
    std::string name;
    int32_t block = 0, n = 0, k = 0;
    if (!r.get(name_size) || !r.get(name, name_size) || !r.get(block) || !r.get(n) || !r.get(k) ||
        n < 0 || k < 0 || uint64_t(n) * uint64_t(k) * 2 > r.left())
      return false;
    BlockLevels levels{n, k, std::vector<int16_t>(std::size_t(n) * k)};
    for (int16_t& q : levels.q) r.get(q);
    table.set(name, block, std::move(levels));
  }
  return true;
}

std::optional<WeightLevelTable> decode(std::string_view bytes, const std::string& key,
                                       std::string& why) {
  constexpr std::size_t kSum = sizeof(uint64_t);
  if (bytes.size() < kMagic.size() + kSum || bytes.substr(0, kMagic.size()) != kMagic) {
    why = "not a GPTQ cache file";
    return std::nullopt;
  }
  uint64_t sum = 0;
  std::memcpy(&sum, bytes.data() + bytes.size() - kSum, kSum);
  if (sum != fnv1a64(bytes.substr(0, bytes.size() - kSum))) {
    why = "truncated or corrupt (checksum)";
    return std::nullopt;
  }
  Reader r(bytes.substr(kMagic.size(), bytes.size() - kMagic.size() - kSum));
  uint64_t key_size = 0, count = 0;
  std::string stored_key;
  if (!r.get(key_size) || !r.get(stored_key, key_size) || stored_key != key) {
    why = "written for another key";
    return std::nullopt;
  }
  WeightLevelTable table;
  if (!r.get(count) || !read_blocks(r, count, table) || r.left() != 0) {
    why = "malformed";
    return std::nullopt;
  }
  return table;
}

}  // namespace

uint64_t fnv1a64(std::string_view bytes, uint64_t hash) {
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 0x100000001b3ull;
  }
  return hash;
}

std::string hex64(uint64_t v) {
  char s[17];
  std::snprintf(s, sizeof s, "%016llx", static_cast<unsigned long long>(v));
  return s;
}

std::string cache_directory() {
  const auto env = [](const char* name) {
    const char* v = std::getenv(name);
    return v && *v ? std::string(v) : std::string();
  };
  if (std::string d = env("AIMC_CACHE_DIR"); !d.empty()) return d;
  if (std::string d = env("XDG_CACHE_HOME"); !d.empty()) return d + "/aimc";
  if (std::string d = env("HOME"); !d.empty()) return d + "/.cache/aimc";
  return "";
}

std::string gptq_cache_path(const std::string& dir, const std::string& key) {
  return (fs::path(dir) / ("gptq-" + hex64(fnv1a64(key)) + ".bin")).string();
}

std::optional<WeightLevelTable> read_gptq_cache(const std::string& path, const std::string& key,
                                                std::string* why) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  std::string reason = "unreadable";
  std::optional<WeightLevelTable> table;
  if (in) table = decode(bytes.str(), key, reason);
  if (!table && why) *why = reason;
  return table;
}

bool write_gptq_cache(const std::string& path, const std::string& key,
                      const WeightLevelTable& levels, std::string* why) {
  try {
    std::error_code ec;
    fs::create_directories(fs::path(path).parent_path(), ec);
    write_file_atomically(path, encode(key, levels));
    return true;
  } catch (const std::exception& e) {
    if (why) *why = e.what();
    return false;
  }
}

}  // namespace aimc::models
