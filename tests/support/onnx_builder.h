#pragma once
// Builds small ONNX models in memory for tests of the importer's refusals.
#include <onnx/onnx_pb.h>

#include <string>
#include <vector>

namespace aimc::testing {

inline void add_float_value(onnx::ValueInfoProto* v, const std::string& name,
                            const std::vector<int64_t>& dims) {
  v->set_name(name);
  auto* tt = v->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(onnx::TensorProto::FLOAT);
  for (int64_t d : dims) tt->mutable_shape()->add_dim()->set_dim_value(d);
}

// X[1,4] -> op_type -> Y[1,4], optionally with a second initializer input B.
inline onnx::ModelProto single_node_model(const std::string& op_type,
                                          bool with_initializer = false) {
  onnx::ModelProto m;
  m.set_ir_version(8);
  m.add_opset_import()->set_version(13);
  auto* g = m.mutable_graph();
  g->set_name("test");
  add_float_value(g->add_input(), "X", {1, 4});
  add_float_value(g->add_output(), "Y", {1, 4});
  auto* n = g->add_node();
  n->set_op_type(op_type);
  n->set_name("the_node");
  n->add_input(std::string("X"));
  if (with_initializer) {
    n->add_input(std::string("B"));
    auto* init = g->add_initializer();
    init->set_name("B");
    init->set_data_type(onnx::TensorProto::FLOAT);
    init->add_dims(4);
    init->set_raw_data(std::string(16, '\0'));
  }
  n->add_output(std::string("Y"));
  return m;
}

}  // namespace aimc::testing
