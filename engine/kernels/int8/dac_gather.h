#pragma once
// The DAC outputs of int8 activations, by table: 256 floats indexed by the
// activation's byte. When the table is just x − zp (a DAC fine enough to
// keep every integer), a conversion replaces the lookups.
#include <array>
#include <cstddef>
#include <cstdint>

namespace aimc::int8k {

class DacTable {
 public:
  DacTable() = default;
  // table[b]: the DAC output of the activation int8(b) with zero point zp.
  DacTable(const std::array<float, 256>& table, int32_t zero_point);

  float operator()(int8_t v) const { return table_[static_cast<uint8_t>(v)]; }
  // dst[i] = (*this)(src[i]) for i < n.
  void convert(const int8_t* src, std::size_t n, float* dst) const;

 private:
  std::array<float, 256> table_{};
  int32_t zero_point_ = 0;
  bool is_offset_ = false;  // table_[b] has the bits of float(int8(b) − zero_point_)
};

// The lookups one at a time: the specification of DacTable::convert.
void dac_convert_scalar(const DacTable& dac, const int8_t* src, std::size_t n, float* dst);

}  // namespace aimc::int8k
