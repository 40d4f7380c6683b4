// The .npy reader and writer: a round trip for every dtype, numpy's own
// header layout, and the refusals (Fortran order, big-endian, objects,
// unsupported dtypes and versions, truncated or over-long data).
#include "models/data/npy.h"

#include <gtest/gtest.h>

#include <cstring>

#include "engine/error.h"

namespace aimc::models {
namespace {

// A .npy file with `header` (padded to 64 bytes as numpy does) and `data`.
std::string npy_file(const std::string& header, const std::string& data, int major = 1) {
  std::string h = header;
  const std::size_t prefix = major == 1 ? 10 : 12;
  h.append((64 - (prefix + h.size() + 1) % 64) % 64, ' ');
  h += '\n';
  std::string out = "\x93NUMPY";
  out += static_cast<char>(major);
  out += '\0';
  for (std::size_t k = 0; k < prefix - 8; ++k)
    out += static_cast<char>((h.size() >> (8 * k)) & 0xff);
  return out + h + data;
}

std::string refusal(const std::string& bytes) {
  try {
    parse_npy(bytes, "x.npy");
  } catch (const BadInput& e) {
    return e.what();
  }
  return "accepted";
}

template <typename T>
void expect_round_trip(DType dtype) {
  std::vector<T> values = {T(1), T(-2), T(3), T(100), T(0), T(7)};
  if (dtype == DType::kUInt8) values[1] = T(254);
  const Tensor t = Tensor::from<T>(Shape{2, 3}, values);
  EXPECT_EQ(t.dtype(), dtype);
  const Tensor back = parse_npy(npy_bytes(t), "rt.npy");
  EXPECT_EQ(back.dtype(), dtype) << dtype_name(dtype);
  EXPECT_EQ(back.shape(), (Shape{2, 3}));
  EXPECT_EQ(0, std::memcmp(back.raw(), t.raw(), t.byte_size())) << dtype_name(dtype);
}

TEST(Npy, RoundTripsEveryDtype) {
  expect_round_trip<float>(DType::kFloat32);
  expect_round_trip<int64_t>(DType::kInt64);
  expect_round_trip<int32_t>(DType::kInt32);
  expect_round_trip<uint8_t>(DType::kUInt8);
  expect_round_trip<int8_t>(DType::kInt8);
}

TEST(Npy, WritesNumpysHeaderLayout) {
  // np.save of np.zeros((2, 3), np.float32): a 128-byte prefix, then the data.
  const std::string bytes = npy_bytes(Tensor(DType::kFloat32, {2, 3}));
  ASSERT_EQ(bytes.size(), 128u + 24u);
  EXPECT_EQ(bytes.substr(0, 8), std::string("\x93NUMPY\x01\x00", 8));
  EXPECT_EQ(bytes.substr(10, 59), "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }");
  EXPECT_EQ(bytes[127], '\n');
  // 1-D and scalar tuples as Python writes them.
  EXPECT_NE(npy_bytes(Tensor(DType::kInt8, {5})).find("'shape': (5,)"), std::string::npos);
  const Tensor scalar = parse_npy(npy_bytes(Tensor(DType::kInt64, {})), "s.npy");
  EXPECT_EQ(scalar.shape(), Shape{});
  EXPECT_EQ(scalar.size(), 1);
}

TEST(Npy, ReadsVersion2AndAnyKeyOrder) {
  const float v[2] = {1.5f, -3.0f};
  const std::string data(reinterpret_cast<const char*>(v), sizeof v);
  const Tensor t = parse_npy(
      npy_file("{'shape': (2,), 'fortran_order': False, 'descr': '<f4'}", data, 2), "v2.npy");
  EXPECT_EQ(t.shape(), Shape{2});
  EXPECT_EQ(t.data<float>()[1], -3.0f);
}

TEST(Npy, RefusesWhatItCannotReadExactly) {
  const std::string f4 = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }";
  const std::string eight(8, '\0');
  EXPECT_EQ(refusal(npy_file(f4, eight)), "accepted");
  struct Case {
    std::string bytes, expect;
  };
  for (const Case& c : std::vector<Case>{
           {npy_file("{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }", eight), "Fortran"},
           {npy_file("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", eight),
            "big-endian"},
           {npy_file("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", eight), "'|O'"},
           {npy_file("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", eight), "'<f8'"},
           {npy_file(f4, std::string(7, '\0')), "truncated"},
           {npy_file(f4, std::string(9, '\0')), "over-long"},
           {npy_file(f4, eight, 3), "version 3"},
           {npy_file("{'descr': '<f4', 'shape': (2,), }", eight), "required"},
           {npy_file("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': 1}", eight),
            "unknown key 'x'"},
           {npy_file("{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }", eight),
            "dimension"},
           {npy_file(f4, eight).substr(0, 20), "truncated .npy header"},
           {"PK\x03\x04 not numpy at all", "magic"},
       }) {
    const std::string msg = refusal(c.bytes);
    EXPECT_NE(msg.find("x.npy"), std::string::npos) << msg;
    EXPECT_NE(msg.find(c.expect), std::string::npos) << msg;
  }
  EXPECT_THROW(read_npy_file("/nonexistent/x.npy"), BadInput);
}

}  // namespace
}  // namespace aimc::models
