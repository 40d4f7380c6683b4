#pragma once
// The disk cache of GPTQ weight levels (docs/ARCHITECTURE.md, Weight
// quantization): one file per key, named by the key's hash, holding the full
// key text, the levels and a checksum. A file whose key or checksum does not
// match, or that is truncated or corrupt, is ignored (the caller recomputes
// and overwrites it); reading never throws.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/analog/weight_levels.h"

namespace aimc::models {

// FNV-1a, 64 bits: names cache files and fingerprints model files. A name
// collision is harmless, since the file holds its whole key.
uint64_t fnv1a64(std::string_view bytes, uint64_t hash = 0xcbf29ce484222325ull);
std::string hex64(uint64_t v);

// $AIMC_CACHE_DIR, else $XDG_CACHE_HOME/aimc, else $HOME/.cache/aimc; empty
// when none of them is set.
std::string cache_directory();

// The file of a key under `dir`: gptq-<hash of the key>.bin.
std::string gptq_cache_path(const std::string& dir, const std::string& key);

// The levels stored for `key`, or nothing; `why` says why a file that
// exists was not taken.
std::optional<WeightLevelTable> read_gptq_cache(const std::string& path, const std::string& key,
                                                std::string* why = nullptr);

// Writes atomically (temporary file, rename), creating the directory; false
// (with `why`) when that fails: the cache is an optimisation only.
bool write_gptq_cache(const std::string& path, const std::string& key,
                      const WeightLevelTable& levels, std::string* why = nullptr);

}  // namespace aimc::models
