#include "engine/onnx_import.h"

#include <onnx/onnx_pb.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "engine/error.h"
#include "engine/kernel.h"
#include "engine/limits.h"

namespace aimc {
namespace {

namespace fs = std::filesystem;

std::string read_file(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) throw bad_input(path, "is a directory, not a model file");
  const auto size = fs::file_size(path, ec);
  if (!ec && size > static_cast<uintmax_t>(kMaxModelBytes))
    throw bad_input(path, "is " + std::to_string(size) + " bytes; models are limited to " +
                              std::to_string(kMaxModelBytes) + " bytes");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw bad_input(path, "cannot open file");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Where tensors stored outside the model file may come from: the model's own
// folder (empty when the model came from memory, so none may).
struct ImportContext {
  std::string source;
  fs::path folder;
};

// The bytes of an external tensor: `location` relative to the model's folder
// and inside it (no absolute paths, no "..", no symlink leading out), the
// optional offset/length inside that file, exactly `bytes` long.
std::string external_bytes(const onnx::TensorProto& p, const ImportContext& ctx,
                           const std::string& where, std::size_t bytes) {
  if (ctx.folder.empty())
    throw bad_input(where, "external tensor data needs the model's folder (load it from a file)");
  std::map<std::string, std::string> kv;
  for (const auto& e : p.external_data()) kv[e.key()] = e.value();
  if (!kv.count("location") || kv["location"].empty())
    throw bad_input(where, "external tensor data without a location");
  const fs::path rel(kv["location"]);
  if (rel.is_absolute())
    throw bad_input(where, "external data path '" + rel.string() + "' is absolute");
  for (const auto& part : rel) {
    if (part == "..")
      throw bad_input(where, "external data path '" + rel.string() + "' leaves the model's folder");
  }
  std::error_code ec;
  const fs::path folder = fs::canonical(ctx.folder, ec);
  const fs::path file = fs::weakly_canonical(folder / rel, ec);
  const std::string prefix = folder.string() + "/";
  if (ec || file.string().compare(0, prefix.size(), prefix) != 0)
    throw bad_input(where, "external data path '" + rel.string() + "' leaves the model's folder");
  if (!fs::is_regular_file(file, ec))
    throw bad_input(where, "external data file '" + rel.string() + "' does not exist");
  auto number = [&](const char* key) -> uint64_t {
    if (!kv.count(key)) return 0;
    try {
      std::size_t used = 0;
      const unsigned long long v = std::stoull(kv[key], &used);
      if (used != kv[key].size()) throw std::invalid_argument(key);
      return v;
    } catch (const std::exception&) {
      throw bad_input(where,
                      std::string("external data ") + key + " '" + kv[key] + "' is not a number");
    }
  };
  const uint64_t offset = number("offset"), size = fs::file_size(file, ec);
  const uint64_t length =
      kv.count("length") ? number("length") : (offset <= size ? size - offset : 0);
  if (offset > size || length > size - offset)
    throw bad_input(where, "external data [" + std::to_string(offset) + ", +" +
                               std::to_string(length) + ") lies outside '" + rel.string() + "' (" +
                               std::to_string(size) + " bytes)");
  if (length != bytes)
    throw bad_input(where, "has " + std::to_string(length) +
                               " bytes of external data but its shape needs " +
                               std::to_string(bytes));
  std::ifstream in(file, std::ios::binary);
  std::string out(bytes, '\0');
  in.seekg(static_cast<std::streamoff>(offset));
  if (!in.read(out.data(), static_cast<std::streamsize>(bytes)))
    throw bad_input(where, "cannot read external data from '" + rel.string() + "'");
  return out;
}

DType dtype_from_onnx(int32_t t, const std::string& where) {
  switch (t) {
    case onnx::TensorProto::FLOAT:
      return DType::kFloat32;
    case onnx::TensorProto::INT8:
      return DType::kInt8;
    case onnx::TensorProto::UINT8:
      return DType::kUInt8;
    case onnx::TensorProto::INT32:
      return DType::kInt32;
    case onnx::TensorProto::INT64:
      return DType::kInt64;
    case onnx::TensorProto::BOOL:
      return DType::kUInt8;
    default:
      throw bad_input(where, "unsupported tensor element type " + std::to_string(t));
  }
}

// Copies a typed repeated field into the tensor after checking its length.
template <typename Dst, typename Field>
void copy_field(const Field& field, Tensor& t, const std::string& where) {
  if (static_cast<int64_t>(field.size()) != t.size()) {
    throw bad_input(where, "holds " + std::to_string(field.size()) + " values but its shape " +
                               shape_str(t.shape()) + " needs " + std::to_string(t.size()));
  }
  Dst* out = t.data<Dst>();
  for (int i = 0; i < field.size(); ++i) out[i] = static_cast<Dst>(field.Get(i));
}

Tensor tensor_from_proto(const onnx::TensorProto& p, const std::string& where,
                         const ImportContext* ctx = nullptr) {
  Shape shape(p.dims().begin(), p.dims().end());
  for (int64_t d : shape) {
    if (d < 0) throw bad_input(where, "negative dimension in shape " + shape_str(shape));
  }
  // Guard the allocation: a corrupt header must not make us allocate terabytes.
  if (!bounded_elements(shape)) {
    throw bad_input(where, "shape " + shape_str(shape) + " has more than " +
                               std::to_string(kMaxTensorElements) + " elements (the tensor limit)");
  }
  const DType dt = dtype_from_onnx(p.data_type(), where);
  Tensor t(dt, shape);
  if (p.data_location() == onnx::TensorProto::EXTERNAL) {
    const std::string raw = external_bytes(p, ctx ? *ctx : ImportContext{}, where, t.byte_size());
    std::copy(raw.begin(), raw.end(), reinterpret_cast<char*>(t.raw()));
    return t;
  }
  if (p.has_raw_data()) {
    const std::string& raw = p.raw_data();
    if (raw.size() != t.byte_size()) {
      throw bad_input(where, "has " + std::to_string(raw.size()) + " bytes of data but its shape " +
                                 shape_str(shape) + " of " + dtype_name(dt) + " needs " +
                                 std::to_string(t.byte_size()));
    }
    std::copy(raw.begin(), raw.end(), reinterpret_cast<char*>(t.raw()));
    return t;
  }
  switch (dt) {
    case DType::kFloat32:
      copy_field<float>(p.float_data(), t, where);
      break;
    case DType::kInt8:
      copy_field<int8_t>(p.int32_data(), t, where);
      break;
    case DType::kUInt8:
      copy_field<uint8_t>(p.int32_data(), t, where);
      break;
    case DType::kInt32:
      copy_field<int32_t>(p.int32_data(), t, where);
      break;
    case DType::kInt64:
      copy_field<int64_t>(p.int64_data(), t, where);
      break;
  }
  return t;
}

AttrValue attr_from_proto(const onnx::AttributeProto& a, const std::string& where) {
  switch (a.type()) {
    case onnx::AttributeProto::INT:
      return a.i();
    case onnx::AttributeProto::FLOAT:
      return a.f();
    case onnx::AttributeProto::STRING:
      return a.s();
    case onnx::AttributeProto::INTS:
      return std::vector<int64_t>(a.ints().begin(), a.ints().end());
    case onnx::AttributeProto::FLOATS:
      return std::vector<float>(a.floats().begin(), a.floats().end());
    case onnx::AttributeProto::TENSOR:
      return tensor_from_proto(a.t(), where + " attribute '" + a.name() + "'");
    case onnx::AttributeProto::STRINGS: {
      // The lists aimc reads are short (a recurrent node's activations: six
      // at most); a hostile file's millions of strings are refused before
      // they are copied.
      constexpr int kMaxStrings = 4096;
      constexpr std::size_t kMaxStringBytes = 4096;
      if (a.strings_size() > kMaxStrings) {
        throw bad_input(where, "attribute '" + a.name() + "' lists " +
                                   std::to_string(a.strings_size()) + " strings, more than " +
                                   std::to_string(kMaxStrings));
      }
      for (const std::string& s : a.strings()) {
        if (s.size() > kMaxStringBytes) {
          throw bad_input(where, "attribute '" + a.name() + "' holds a string of " +
                                     std::to_string(s.size()) + " bytes, more than " +
                                     std::to_string(kMaxStringBytes));
        }
      }
      return std::vector<std::string>(a.strings().begin(), a.strings().end());
    }
    default:
      throw bad_input(where, "attribute '" + a.name() + "' has an unsupported type");
  }
}

// The tensor of a Constant node, from whichever of its value attributes it has.
Tensor constant_value(const Node& n, const std::string& source) {
  if (n.outputs.size() != 1 || n.attrs.size() != 1) {
    throw bad_input(source, n.label() + ": a Constant needs one output and one value attribute");
  }
  if (n.has_attr("value")) return n.attr_tensor("value");
  if (n.has_attr("value_float")) {
    return Tensor::from<float>({}, std::vector<float>{n.attr_float("value_float", 0.0f)});
  }
  if (n.has_attr("value_int")) {
    return Tensor::from<int64_t>({}, std::vector<int64_t>{n.attr_int("value_int", 0)});
  }
  if (n.has_attr("value_floats")) {
    const auto v = n.attr_floats("value_floats");
    return Tensor::from<float>({static_cast<int64_t>(v.size())}, v);
  }
  if (n.has_attr("value_ints")) {
    const auto v = n.attr_ints("value_ints");
    return Tensor::from<int64_t>({static_cast<int64_t>(v.size())}, v);
  }
  throw bad_input(source, n.label() +
                              ": only tensor, float and int Constants are supported (not '" +
                              n.attrs.begin()->first + "')");
}

ValueInfo value_info_from_proto(const onnx::ValueInfoProto& v, const std::string& where) {
  ValueInfo info;
  if (!v.type().has_tensor_type())
    throw bad_input(where, "value '" + v.name() + "' is not a tensor");
  const auto& tt = v.type().tensor_type();
  info.dtype = dtype_from_onnx(tt.elem_type(), where + " value '" + v.name() + "'");
  if (tt.has_shape()) {
    for (const auto& d : tt.shape().dim()) {
      if (d.has_dim_value() && d.dim_value() < 0) {
        throw bad_input(where, "value '" + v.name() + "' declares the negative dimension " +
                                   std::to_string(d.dim_value()));
      }
      info.shape.push_back(d.has_dim_value() ? d.dim_value() : -1);
    }
    if (!bounded_elements(info.shape)) {
      throw bad_input(where, "value '" + v.name() + "' declares shape " + shape_str(info.shape) +
                                 ", more than " + std::to_string(kMaxTensorElements) +
                                 " elements (the tensor limit)");
    }
  }
  return info;
}

// Kahn's algorithm in O(nodes + edges); ONNX requires sorted graphs but we
// accept any order. Refuses a value produced twice, and cycles and dangling
// inputs with the node named.
std::vector<Node> topo_sort(std::vector<Node> nodes, const std::set<std::string>& available0,
                            const std::string& source) {
  std::map<std::string, std::size_t> producer;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    for (const auto& o : nodes[i].outputs) {
      if (o.empty()) continue;
      if (available0.count(o) || !producer.emplace(o, i).second) {
        throw bad_input(source, nodes[i].label() + " writes '" + o +
                                    "', which another node, input or initializer already defines");
      }
    }
  }
  std::vector<int> missing(nodes.size(), 0);
  std::vector<std::vector<std::size_t>> readers(nodes.size());
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    for (const auto& in : nodes[i].inputs) {
      if (in.empty() || available0.count(in)) continue;
      const auto p = producer.find(in);
      if (p == producer.end()) {
        throw bad_input(source, nodes[i].label() + " reads '" + in +
                                    "', which no node, input or initializer defines");
      }
      ++missing[i];
      readers[p->second].push_back(i);
    }
  }
  std::vector<std::size_t> ready;
  for (std::size_t i = nodes.size(); i-- > 0;) {
    if (missing[i] == 0) ready.push_back(i);
  }
  std::vector<Node> sorted;
  sorted.reserve(nodes.size());
  // Lowest index first among the ready nodes keeps a sorted file's order.
  std::set<std::size_t> queue(ready.begin(), ready.end());
  while (!queue.empty()) {
    const std::size_t i = *queue.begin();
    queue.erase(queue.begin());
    for (std::size_t r : readers[i]) {
      if (--missing[r] == 0) queue.insert(r);
    }
    sorted.push_back(std::move(nodes[i]));
  }
  if (sorted.size() != nodes.size()) {
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      if (missing[i] > 0) {
        throw bad_input(source,
                        nodes[i].label() + " is part of a cycle (it depends on its own output)");
      }
    }
  }
  return sorted;
}

// ONNX Runtime's quantized operators (the QOperator form its quantizer
// writes) are the only ones aimc takes from outside the default domain. They
// keep their domain in the op type ("com.microsoft.QGemm"), so that none can
// be mistaken for an aimc integer op of the same name.
std::string qualified_op_type(const onnx::NodeProto& np, Node& n, const std::string& source) {
  static const std::set<std::string> kMicrosoftOps = {
      "QLinearAdd",         "QLinearMul",     "QLinearAveragePool", "QLinearGlobalAveragePool",
      "QLinearConcat",      "QLinearSigmoid", "QLinearLeakyRelu",   "QGemm",
      "DynamicQuantizeLSTM"};
  const std::string& domain = np.domain();
  if (domain.empty() || domain == "ai.onnx") {
    if (is_internal_op(np.op_type()))
      throw bad_input(source, n.label() + " is not an ONNX operator");
    return np.op_type();
  }
  if (domain == "com.microsoft" && kMicrosoftOps.count(np.op_type()))
    return domain + "." + np.op_type();
  throw bad_input(source, n.label() + " is in unsupported domain '" + domain + "'" +
                              (domain == "com.microsoft"
                                   ? " (of ONNX Runtime's operators aimc takes the quantized "
                                     "QLinear* ones, QGemm and DynamicQuantizeLSTM)"
                                   : ""));
}

Graph import_model(const std::string& bytes, const ImportContext& ctx) {
  const std::string& source = ctx.source;
  if (bytes.empty()) throw bad_input(source, "empty file, not an ONNX model");
  onnx::ModelProto model;
  if (!model.ParseFromString(bytes)) {
    throw bad_input(source,
                    "not a valid ONNX model (protobuf parsing failed; truncated or not ONNX?)");
  }
  if (!model.has_graph() || model.graph().node_size() == 0) {
    throw bad_input(source, "ONNX model has no graph nodes");
  }
  Graph g;
  g.source = source;
  for (const auto& op : model.opset_import()) {
    if (op.domain().empty() || op.domain() == "ai.onnx") g.opset = op.version();
  }
  if (g.opset == 0) throw bad_input(source, "the model imports no ONNX (ai.onnx) opset");
  if (g.opset < kMinOpset || g.opset > kMaxOpset) {
    throw bad_input(source, "ONNX opset " + std::to_string(g.opset) +
                                " is not supported (aimc implements the default domain's opsets " +
                                std::to_string(kMinOpset) + " to " + std::to_string(kMaxOpset) +
                                ")");
  }
  const auto& gp = model.graph();
  for (const auto& init : gp.initializer()) {
    g.initializers[init.name()] =
        tensor_from_proto(init, source + ": initializer '" + init.name() + "'", &ctx);
  }
  std::set<std::string> available;
  for (const auto& [name, t] : g.initializers) available.insert(name);
  for (const auto& in : gp.input()) {
    if (g.is_initializer(in.name())) continue;
    g.inputs.push_back(in.name());
    g.values[in.name()] = value_info_from_proto(in, source + ": input");
    available.insert(in.name());
  }
  std::vector<Node> nodes;
  int counter = 0;
  for (const auto& np : gp.node()) {
    Node n;
    n.name = np.name().empty() ? np.op_type() + "_" + std::to_string(counter) : np.name();
    ++counter;
    n.op_type = np.op_type();
    n.op_type = qualified_op_type(np, n, source);
    n.inputs.assign(np.input().begin(), np.input().end());
    n.outputs.assign(np.output().begin(), np.output().end());
    for (const auto& a : np.attribute()) {
      n.attrs[a.name()] = attr_from_proto(a, source + ": " + n.label());
    }
    // Constants become initializers so every later pass sees one kind of constant.
    if (n.op_type == "Constant") {
      Tensor value = constant_value(n, source);
      g.initializers[n.outputs[0]] = std::move(value);
      available.insert(n.outputs[0]);
      continue;
    }
    nodes.push_back(std::move(n));
  }
  g.nodes = topo_sort(std::move(nodes), available, source);
  for (const auto& out : gp.output()) {
    g.outputs.push_back(out.name());
    g.values[out.name()] = value_info_from_proto(out, source + ": output");
    if (!g.is_initializer(out.name()) && g.producer(out.name()) < 0 &&
        std::find(g.inputs.begin(), g.inputs.end(), out.name()) == g.inputs.end()) {
      throw bad_input(source, "graph output '" + out.name() + "' is produced by no node");
    }
  }
  if (g.inputs.empty()) throw bad_input(source, "the graph has no (non-initializer) input");
  return g;
}

}  // namespace

Graph import_onnx_bytes(const std::string& bytes, const std::string& source_name) {
  return import_model(bytes, ImportContext{source_name, {}});
}

Graph import_onnx_file(const std::string& path) {
  return import_model(read_file(path), ImportContext{path, fs::path(path).parent_path().empty()
                                                               ? fs::path(".")
                                                               : fs::path(path).parent_path()});
}

Tensor load_tensor_pb(const std::string& path) {
  onnx::TensorProto p;
  const std::string bytes = read_file(path);
  if (!p.ParseFromString(bytes)) throw bad_input(path, "not a serialized ONNX TensorProto");
  return tensor_from_proto(p, path);
}

}  // namespace aimc
