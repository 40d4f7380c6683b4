#include "engine/graph.h"

#include "engine/error.h"

namespace aimc {

namespace {
template <typename T>
const T* find_attr(const Node& n, const std::string& key) {
  auto it = n.attrs.find(key);
  if (it == n.attrs.end()) return nullptr;
  const T* v = std::get_if<T>(&it->second);
  if (!v) throw bad_input(n.label(), "attribute '" + key + "' has the wrong type");
  return v;
}
}  // namespace

int64_t Node::attr_int(const std::string& key, int64_t fallback) const {
  const auto* v = find_attr<int64_t>(*this, key);
  return v ? *v : fallback;
}

float Node::attr_float(const std::string& key, float fallback) const {
  const auto* v = find_attr<float>(*this, key);
  return v ? *v : fallback;
}

std::string Node::attr_string(const std::string& key, const std::string& fallback) const {
  const auto* v = find_attr<std::string>(*this, key);
  return v ? *v : fallback;
}

std::vector<int64_t> Node::attr_ints(const std::string& key,
                                     const std::vector<int64_t>& fallback) const {
  const auto* v = find_attr<std::vector<int64_t>>(*this, key);
  return v ? *v : fallback;
}

std::vector<float> Node::attr_floats(const std::string& key) const {
  const auto* v = find_attr<std::vector<float>>(*this, key);
  return v ? *v : std::vector<float>{};
}

std::vector<std::string> Node::attr_strings(const std::string& key) const {
  const auto* v = find_attr<std::vector<std::string>>(*this, key);
  return v ? *v : std::vector<std::string>{};
}

const Tensor& Node::attr_tensor(const std::string& key) const {
  const auto* v = find_attr<Tensor>(*this, key);
  if (!v) throw bad_input(label(), "missing tensor attribute '" + key + "'");
  return *v;
}

std::string Node::label() const { return "node '" + name + "' (" + op_type + ")"; }

const Tensor* Graph::initializer(const std::string& name) const {
  auto it = initializers.find(name);
  return it == initializers.end() ? nullptr : &it->second;
}

int Graph::producer(const std::string& value) const {
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    for (const auto& o : nodes[i].outputs) {
      if (o == value) return static_cast<int>(i);
    }
  }
  return -1;
}

std::vector<int> Graph::consumers(const std::string& value) const {
  std::vector<int> out;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    for (const auto& in : nodes[i].inputs) {
      if (in == value) {
        out.push_back(static_cast<int>(i));
        break;
      }
    }
  }
  return out;
}

}  // namespace aimc
