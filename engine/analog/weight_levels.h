#pragma once
// Integer weight levels chosen before programming instead of plain rounding
// (weight_quantizer "gptq"), by layer name and block, each [n × k] on the
// grid plain rounding would use (engine/analog/weight_mapping.h).
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace aimc {

struct BlockLevels {
  int n = 0, k = 0;
  std::vector<int16_t> q;  // [n × k]
  bool operator==(const BlockLevels&) const = default;
};

class WeightLevelTable {
 public:
  using Key = std::pair<std::string, int>;  // layer name, block
  // The levels of a block, or nullptr.
  const BlockLevels* find(const std::string& layer, int block) const {
    const auto it = blocks_.find({layer, block});
    return it == blocks_.end() ? nullptr : &it->second;
  }
  void set(const std::string& layer, int block, BlockLevels levels) {
    blocks_[{layer, block}] = std::move(levels);
  }
  const std::map<Key, BlockLevels>& blocks() const { return blocks_; }
  bool empty() const { return blocks_.empty(); }
  bool operator==(const WeightLevelTable&) const = default;

 private:
  std::map<Key, BlockLevels> blocks_;
};

}  // namespace aimc
