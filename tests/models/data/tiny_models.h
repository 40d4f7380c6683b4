#pragma once
// Small ONNX models built in memory for the input, preprocessing and
// calibration tests: several inputs, integer inputs, an MLP, a tiny image
// classifier. A dimension of -1 becomes the symbolic batch "N".
#include <onnx/onnx_pb.h>

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

namespace aimc::testing {

inline void add_typed_value(onnx::ValueInfoProto* v, const std::string& name, int elem_type,
                            const std::vector<int64_t>& dims) {
  v->set_name(name);
  auto* tt = v->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(elem_type);
  for (int64_t d : dims) {
    auto* dim = tt->mutable_shape()->add_dim();
    if (d < 0) {
      dim->set_dim_param("N");
    } else {
      dim->set_dim_value(d);
    }
  }
}

inline void add_float_initializer(onnx::GraphProto* g, const std::string& name,
                                  const std::vector<int64_t>& dims,
                                  const std::vector<float>& values) {
  auto* init = g->add_initializer();
  init->set_name(name);
  init->set_data_type(onnx::TensorProto::FLOAT);
  for (int64_t d : dims) init->add_dims(d);
  init->set_raw_data(
      std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float)));
}

inline onnx::ModelProto empty_model() {
  onnx::ModelProto m;
  m.set_ir_version(8);
  m.add_opset_import()->set_version(13);
  m.mutable_graph()->set_name("tiny");
  return m;
}

inline onnx::NodeProto* add_node(onnx::GraphProto* g, const std::string& op,
                                 const std::vector<std::string>& inputs,
                                 const std::string& output) {
  auto* n = g->add_node();
  n->set_op_type(op);
  n->set_name(output + "_" + op);
  for (const auto& i : inputs) n->add_input(i);
  n->add_output(output);
  return n;
}

// A[N,4] + B[N,4] -> C[N,4].
inline onnx::ModelProto two_input_add_model() {
  onnx::ModelProto m = empty_model();
  auto* g = m.mutable_graph();
  add_typed_value(g->add_input(), "A", onnx::TensorProto::FLOAT, {-1, 4});
  add_typed_value(g->add_input(), "B", onnx::TensorProto::FLOAT, {-1, 4});
  add_typed_value(g->add_output(), "C", onnx::TensorProto::FLOAT, {-1, 4});
  add_node(g, "Add", {"A", "B"}, "C");
  return m;
}

// int64 token ids X[N,2,3] -> Transpose -> Y[N,3,2] (no Cast or Gather in aimc;
// data movement runs on any element type).
inline onnx::ModelProto int64_transpose_model() {
  onnx::ModelProto m = empty_model();
  auto* g = m.mutable_graph();
  add_typed_value(g->add_input(), "ids", onnx::TensorProto::INT64, {-1, 2, 3});
  add_typed_value(g->add_output(), "Y", onnx::TensorProto::INT64, {-1, 3, 2});
  auto* n = add_node(g, "Transpose", {"ids"}, "Y");
  auto* perm = n->add_attribute();
  perm->set_name("perm");
  perm->set_type(onnx::AttributeProto::INTS);
  for (int64_t p : {0, 2, 1}) perm->add_ints(p);
  return m;
}

inline void set_trans_b(onnx::NodeProto* n) {
  auto* a = n->add_attribute();
  a->set_name("transB");
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(1);
}

// A float MLP: X[N,16] -> Gemm(8) -> Relu -> Gemm(4) -> Y[N,4].
inline onnx::ModelProto mlp_model() {
  onnx::ModelProto m = empty_model();
  auto* g = m.mutable_graph();
  add_typed_value(g->add_input(), "X", onnx::TensorProto::FLOAT, {-1, 16});
  add_typed_value(g->add_output(), "Y", onnx::TensorProto::FLOAT, {-1, 4});
  std::vector<float> w1(8 * 16), w2(4 * 8);
  for (std::size_t i = 0; i < w1.size(); ++i) w1[i] = static_cast<float>((i * 7) % 11) / 10 - 0.5f;
  for (std::size_t i = 0; i < w2.size(); ++i) w2[i] = static_cast<float>((i * 5) % 9) / 8 - 0.5f;
  add_float_initializer(g, "W1", {8, 16}, w1);
  add_float_initializer(g, "W2", {4, 8}, w2);
  set_trans_b(add_node(g, "Gemm", {"X", "W1"}, "H"));
  add_node(g, "Relu", {"H"}, "R");
  set_trans_b(add_node(g, "Gemm", {"R", "W2"}, "Y"));
  return m;
}

// An image classifier of 1000 classes on [N,3,size,size] inputs:
// Flatten -> Gemm.
inline onnx::ModelProto tiny_classifier_model(int size) {
  onnx::ModelProto m = empty_model();
  auto* g = m.mutable_graph();
  add_typed_value(g->add_input(), "image", onnx::TensorProto::FLOAT, {-1, 3, size, size});
  add_typed_value(g->add_output(), "logits", onnx::TensorProto::FLOAT, {-1, 1000});
  const int64_t k = int64_t{3} * size * size;
  std::vector<float> w(static_cast<std::size_t>(1000 * k));
  for (std::size_t i = 0; i < w.size(); ++i) w[i] = static_cast<float>((i * 13) % 17) / 16 - 0.5f;
  add_float_initializer(g, "W", {1000, k}, w);
  add_node(g, "Flatten", {"image"}, "flat");
  set_trans_b(add_node(g, "Gemm", {"flat", "W"}, "logits"));
  return m;
}

inline void save_model(const onnx::ModelProto& m, const std::string& path) {
  std::string bytes;
  m.SerializeToString(&bytes);
  std::ofstream(path, std::ios::binary) << bytes;
}

}  // namespace aimc::testing
