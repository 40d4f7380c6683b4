#include "engine/onnx_import.h"

#include <onnx/onnx_pb.h>

#include <fstream>
#include <set>
#include <sstream>

#include "engine/error.h"

namespace aimc {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw bad_input(path, "cannot open file");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
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

Tensor tensor_from_proto(const onnx::TensorProto& p, const std::string& where) {
  if (p.data_location() == onnx::TensorProto::EXTERNAL) {
    throw bad_input(where, "external tensor data is not supported");
  }
  Shape shape(p.dims().begin(), p.dims().end());
  for (int64_t d : shape) {
    if (d < 0) throw bad_input(where, "negative dimension in shape " + shape_str(shape));
  }
  // Guard the allocation: a corrupt header must not make us allocate terabytes.
  constexpr int64_t kMaxElements = int64_t{1} << 32;
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d != 0 && n > kMaxElements / d) throw bad_input(where, "shape too large");
    n *= d;
  }
  const DType dt = dtype_from_onnx(p.data_type(), where);
  Tensor t(dt, shape);
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
    default:
      throw bad_input(where, "attribute '" + a.name() + "' has an unsupported type");
  }
}

ValueInfo value_info_from_proto(const onnx::ValueInfoProto& v, const std::string& where) {
  ValueInfo info;
  if (!v.type().has_tensor_type())
    throw bad_input(where, "value '" + v.name() + "' is not a tensor");
  const auto& tt = v.type().tensor_type();
  info.dtype = dtype_from_onnx(tt.elem_type(), where + " value '" + v.name() + "'");
  if (tt.has_shape()) {
    for (const auto& d : tt.shape().dim())
      info.shape.push_back(d.has_dim_value() ? d.dim_value() : -1);
  }
  return info;
}

// Kahn's algorithm; ONNX requires sorted graphs but we accept any order and
// refuse cycles and dangling inputs with the node named.
std::vector<Node> topo_sort(std::vector<Node> nodes, const std::set<std::string>& available0,
                            const std::string& source) {
  std::set<std::string> available = available0;
  std::vector<Node> sorted;
  std::vector<bool> done(nodes.size(), false);
  for (bool progress = true; progress;) {
    progress = false;
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      if (done[i]) continue;
      bool ready = true;
      for (const auto& in : nodes[i].inputs) {
        if (!in.empty() && !available.count(in)) ready = false;
      }
      if (!ready) continue;
      for (const auto& o : nodes[i].outputs) available.insert(o);
      done[i] = true;
      sorted.push_back(std::move(nodes[i]));
      progress = true;
    }
  }
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (done[i]) continue;
    for (const auto& in : nodes[i].inputs) {
      if (!in.empty() && !available.count(in)) {
        throw bad_input(source, nodes[i].label() + " reads '" + in +
                                    "', which no node, input or initializer defines (or a cycle)");
      }
    }
  }
  return sorted;
}

}  // namespace

Graph import_onnx_bytes(const std::string& bytes, const std::string& source) {
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
  const auto& gp = model.graph();
  for (const auto& init : gp.initializer()) {
    g.initializers[init.name()] =
        tensor_from_proto(init, source + ": initializer '" + init.name() + "'");
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
    if (!np.domain().empty() && np.domain() != "ai.onnx") {
      throw bad_input(source, n.label() + " is in unsupported domain '" + np.domain() + "'");
    }
    n.inputs.assign(np.input().begin(), np.input().end());
    n.outputs.assign(np.output().begin(), np.output().end());
    for (const auto& a : np.attribute()) {
      n.attrs[a.name()] = attr_from_proto(a, source + ": " + n.label());
    }
    // Constants become initializers so every later pass sees one kind of constant.
    if (n.op_type == "Constant") {
      if (!n.has_attr("value") || n.outputs.size() != 1) {
        throw bad_input(source, n.label() + ": only the 'value' form of Constant is supported");
      }
      g.initializers[n.outputs[0]] = n.attr_tensor("value");
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

Graph import_onnx_file(const std::string& path) { return import_onnx_bytes(read_file(path), path); }

Tensor load_tensor_pb(const std::string& path) {
  onnx::TensorProto p;
  const std::string bytes = read_file(path);
  if (!p.ParseFromString(bytes)) throw bad_input(path, "not a serialized ONNX TensorProto");
  return tensor_from_proto(p, path);
}

}  // namespace aimc
