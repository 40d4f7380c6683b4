#include "models/data/npy.h"

#include <cctype>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include "engine/error.h"
#include "engine/limits.h"

namespace aimc::models {
namespace {

constexpr std::string_view kMagic = "\x93NUMPY";

// The parts of the header dict aimc reads; everything else is refused.
struct Header {
  std::optional<std::string> descr;
  std::optional<bool> fortran_order;
  std::optional<Shape> shape;
};

// A cursor over the header's Python literal.
class Literal {
 public:
  Literal(std::string_view text, const std::string& where) : s_(text), where_(where) {}

  void skip_space() {
    while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
  }
  bool take(char c) {
    skip_space();
    if (i_ < s_.size() && s_[i_] == c) return ++i_, true;
    return false;
  }
  void expect(char c) {
    if (!take(c)) fail(std::string("expected '") + c + "'");
  }
  std::string string() {
    skip_space();
    if (i_ >= s_.size() || (s_[i_] != '\'' && s_[i_] != '"')) fail("expected a quoted string");
    const char quote = s_[i_++];
    const auto end = s_.find(quote, i_);
    if (end == std::string_view::npos) fail("unterminated string");
    std::string out(s_.substr(i_, end - i_));
    i_ = end + 1;
    return out;
  }
  bool boolean() {
    skip_space();
    for (auto [word, value] : {std::pair{"True", true}, std::pair{"False", false}}) {
      if (s_.substr(i_, std::strlen(word)) == word) {
        i_ += std::strlen(word);
        return value;
      }
    }
    fail("expected True or False");
  }
  Shape tuple() {
    expect('(');
    Shape dims;
    while (!take(')')) {
      skip_space();
      int64_t d = 0;
      std::size_t digits = 0;
      while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) {
        if (d > kMaxTensorElements) fail("a dimension is too large");
        d = d * 10 + (s_[i_++] - '0');
        ++digits;
      }
      if (digits == 0) fail("expected a non-negative dimension in 'shape'");
      dims.push_back(d);
      if (!take(',')) {
        expect(')');
        break;
      }
    }
    return dims;
  }
  bool at_end() {
    skip_space();
    return i_ == s_.size();
  }
  [[noreturn]] void fail(const std::string& what) const {
    throw bad_input(where_, "malformed .npy header (" + what + " at offset " + std::to_string(i_) +
                                "): " + std::string(s_));
  }

 private:
  std::string_view s_;
  std::size_t i_ = 0;
  const std::string& where_;
};

Header parse_header(std::string_view text, const std::string& where) {
  Literal lit(text, where);
  Header h;
  lit.expect('{');
  while (!lit.take('}')) {
    const std::string key = lit.string();
    lit.expect(':');
    if (key == "descr") {
      h.descr = lit.string();
    } else if (key == "fortran_order") {
      h.fortran_order = lit.boolean();
    } else if (key == "shape") {
      h.shape = lit.tuple();
    } else {
      lit.fail("unknown key '" + key + "'");
    }
    if (!lit.take(',')) {
      lit.expect('}');
      break;
    }
  }
  if (!lit.at_end()) lit.fail("text after the dict");
  if (!h.descr || !h.fortran_order || !h.shape)
    lit.fail("'descr', 'fortran_order' and 'shape' are required");
  return h;
}

DType dtype_of_descr(const std::string& descr, const std::string& where) {
  static const std::map<std::string, DType> kTypes = {{"f4", DType::kFloat32},
                                                      {"i8", DType::kInt64},
                                                      {"i4", DType::kInt32},
                                                      {"u1", DType::kUInt8},
                                                      {"i1", DType::kInt8}};
  const std::string supported =
      " (supported: float32 <f4, int64 <i8, int32 <i4, uint8 |u1, int8 |i1)";
  if (descr.size() != 3) throw bad_input(where, "unsupported dtype '" + descr + "'" + supported);
  const auto it = kTypes.find(descr.substr(1));
  if (it == kTypes.end()) throw bad_input(where, "unsupported dtype '" + descr + "'" + supported);
  const char order = descr[0];
  const bool one_byte = dtype_size(it->second) == 1;
  if (order == '>' && !one_byte)
    throw bad_input(where,
                    "big-endian data ('" + descr + "') is not supported; save it little-endian");
  if (order != '<' && !(one_byte && (order == '|' || order == '>')))
    throw bad_input(where, "unsupported byte order in dtype '" + descr + "'" + supported);
  return it->second;
}

uint32_t little_endian(std::string_view b) {
  uint32_t v = 0;
  for (std::size_t k = b.size(); k-- > 0;) v = (v << 8) | static_cast<unsigned char>(b[k]);
  return v;
}

std::string descr_of(DType t) {
  switch (t) {
    case DType::kFloat32:
      return "<f4";
    case DType::kInt64:
      return "<i8";
    case DType::kInt32:
      return "<i4";
    case DType::kUInt8:
      return "|u1";
    case DType::kInt8:
      return "|i1";
  }
  return "?";
}

}  // namespace

Tensor parse_npy(std::string_view bytes, const std::string& where) {
  if (bytes.size() < 10 || bytes.substr(0, kMagic.size()) != kMagic)
    throw bad_input(where, "not a .npy file (no \\x93NUMPY magic)");
  const int major = static_cast<unsigned char>(bytes[6]);
  if (major != 1 && major != 2) {
    throw bad_input(where, ".npy format version " + std::to_string(major) +
                               ".x is not supported (1.0 and 2.0 are)");
  }
  const std::size_t len_bytes = major == 1 ? 2 : 4;
  if (bytes.size() < 8 + len_bytes) throw bad_input(where, "truncated .npy header");
  const std::size_t header_len = little_endian(bytes.substr(8, len_bytes));
  const std::size_t data_start = 8 + len_bytes + header_len;
  if (bytes.size() < data_start) throw bad_input(where, "truncated .npy header");
  const Header h = parse_header(bytes.substr(8 + len_bytes, header_len), where);
  if (*h.fortran_order)
    throw bad_input(where, "Fortran-order arrays are not supported; save in C order");
  const DType dtype = dtype_of_descr(*h.descr, where);
  int64_t count = 1;
  for (int64_t d : *h.shape) {
    count = d == 0 ? 0 : count;
    if (d > 0 && count > kMaxTensorElements / d)
      throw bad_input(where, "shape " + shape_str(*h.shape) + " has more than 2^28 elements");
    count *= d;
  }
  const std::size_t want = static_cast<std::size_t>(count) * dtype_size(dtype);
  const std::size_t have = bytes.size() - data_start;
  if (have != want) {
    throw bad_input(where, std::string(have < want ? "truncated" : "over-long") +
                               " data: " + std::to_string(have) + " bytes for shape " +
                               shape_str(*h.shape) + " of " + dtype_name(dtype) + ", which needs " +
                               std::to_string(want));
  }
  Tensor t(dtype, *h.shape);
  if (want > 0) std::memcpy(t.raw(), bytes.data() + data_start, want);
  return t;
}

Tensor read_npy_file(const std::string& path) {
  // Refused from its size before reading: no tensor is larger (2^28 elements of 8 bytes).
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (!ec && size > (uint64_t(kMaxTensorElements) << 3) + (uint64_t{1} << 20))
    throw bad_input(path, "a .npy of " + std::to_string(size) + " bytes is larger than any tensor");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw bad_input(path, "cannot open the .npy file");
  std::ostringstream ss;
  ss << in.rdbuf();
  return parse_npy(ss.str(), path);
}

std::string npy_bytes(const Tensor& t) {
  std::string shape = "(";
  for (std::size_t i = 0; i < t.shape().size(); ++i)
    shape += std::to_string(t.shape()[i]) + (t.shape().size() == 1      ? ","
                                             : i + 1 < t.shape().size() ? ", "
                                                                        : "");
  shape += ")";
  std::string header =
      "{'descr': '" + descr_of(t.dtype()) + "', 'fortran_order': False, 'shape': " + shape + ", }";
  // numpy pads the header with spaces so the data starts on a 64-byte boundary.
  const bool v1 = header.size() + 1 + 10 <= 65535;
  const std::size_t prefix = v1 ? 10 : 12;
  header.append((64 - (prefix + header.size() + 1) % 64) % 64, ' ');
  header += '\n';
  std::string out(kMagic);
  out += static_cast<char>(v1 ? 1 : 2);
  out += '\0';
  const std::size_t n = header.size();
  for (std::size_t k = 0; k < prefix - 8; ++k) out += static_cast<char>((n >> (8 * k)) & 0xff);
  out += header;
  out.append(reinterpret_cast<const char*>(t.raw()), t.byte_size());
  return out;
}

bool is_npy_path(const std::string& path) {
  return path.size() >= 4 && path.compare(path.size() - 4, 4, ".npy") == 0;
}

}  // namespace aimc::models
