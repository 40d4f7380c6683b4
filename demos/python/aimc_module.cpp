// The `aimc` Python module: a model from an ONNX file, run on numpy arrays,
// loaded and calibrated through the same library path as the CLI
// (models/studies/model_loading.h), so that both give the same bits.
// Bad input raises aimc.BadInput (a ValueError) with the CLI's message; the
// GIL is released while the engine runs.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <cstring>
#include <thread>

#include "engine/analog/analog_config_json.h"
#include "engine/error.h"
#include "engine/passes/placement_file.h"
#include "models/data/shared_paths.h"
#include "models/studies/model_loading.h"

namespace py = pybind11;

namespace aimc::python {
namespace {

DType dtype_of(const py::dtype& d) {
  if (d.is(py::dtype::of<float>())) return DType::kFloat32;
  if (d.is(py::dtype::of<int8_t>())) return DType::kInt8;
  if (d.is(py::dtype::of<uint8_t>())) return DType::kUInt8;
  if (d.is(py::dtype::of<int32_t>())) return DType::kInt32;
  if (d.is(py::dtype::of<int64_t>())) return DType::kInt64;
  throw bad_input("x", "unsupported dtype " + py::str(py::object(d)).cast<std::string>() +
                           " (float32, int8, uint8, int32 or int64)");
}

py::dtype numpy_dtype(DType t) {
  switch (t) {
    case DType::kFloat32:
      return py::dtype::of<float>();
    case DType::kInt8:
      return py::dtype::of<int8_t>();
    case DType::kUInt8:
      return py::dtype::of<uint8_t>();
    case DType::kInt32:
      return py::dtype::of<int32_t>();
    case DType::kInt64:
      return py::dtype::of<int64_t>();
  }
  throw std::logic_error("dtype");
}

// A C-ordered copy of the array as an engine tensor of the same dtype and shape.
Tensor to_tensor(const py::array& a, const std::string& name) {
  const py::array c = py::array::ensure(a, py::array::c_style);
  if (!c) throw bad_input(name, "not an array");
  Shape shape(c.shape(), c.shape() + c.ndim());
  Tensor t(dtype_of(c.dtype()), shape);
  if (t.byte_size() != static_cast<std::size_t>(c.nbytes()))
    throw bad_input(name, "array size does not match its shape");
  std::memcpy(t.raw(), c.data(), t.byte_size());
  return t;
}

py::array to_numpy(const Tensor& t) {
  std::vector<py::ssize_t> shape(t.shape().begin(), t.shape().end());
  py::array a(numpy_dtype(t.dtype()), shape);
  std::memcpy(a.mutable_data(), t.raw(), t.byte_size());
  return a;
}

AnalogConfig analog_from(const py::object& analog) {
  if (analog.is_none()) return analog_preset("ideal");
  if (py::isinstance<py::str>(analog)) return load_analog_config(analog.cast<std::string>());
  if (py::isinstance<py::dict>(analog)) {
    const std::string text = py::module_::import("json").attr("dumps")(analog).cast<std::string>();
    return analog_config_from_json(nlohmann::json::parse(text), "analog");
  }
  throw bad_input("analog", "expected a preset name, a JSON file path or a dict");
}

class PyModel {
 public:
  PyModel(const std::string& path, const std::string& mode, const py::object& analog, uint64_t seed,
          std::optional<int> threads, std::optional<std::string> placement, bool allow_float,
          std::optional<std::string> calibration) {
    models::LoadSettings s;
    s.model_path = path;
    s.mode = parse_exec_mode(mode);
    s.allow_float = allow_float;
    s.threads =
        threads ? *threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    if (s.threads < 1) throw bad_input("threads", "must be positive");
    if (s.mode == ExecMode::kAnalog) {
      s.analog = analog_from(analog);
      s.analog.seed = seed;
    }
    if (placement) s.placement = load_placement(*placement);
    s.preprocessing = models::resolve_preprocessing("", s.model_path);
    s.calibration_source = calibration ? *calibration : models::default_images_dir();
    threads_ = s.threads;
    py::gil_scoped_release release;
    loaded_ = std::make_unique<models::LoadedModel>(models::load_uncalibrated(s));
    models::calibrate_loaded(*loaded_, s);
  }

  // One array for a model of one input, or a dict of arrays by input name;
  // the outputs as an array, or a dict by output name for several.
  py::object run(const py::object& x) const {
    const Model& m = loaded_->model;
    const auto& names = m.graph().inputs;
    std::vector<Tensor> inputs;
    if (py::isinstance<py::dict>(x)) {
      const auto d = x.cast<py::dict>();
      for (const std::string& n : names) {
        if (!d.contains(n)) throw bad_input("x", "no array for input '" + n + "'");
        inputs.push_back(to_tensor(d[py::str(n)].cast<py::array>(), n));
      }
      if (d.size() != names.size()) throw bad_input("x", "arrays for unknown inputs");
    } else {
      if (names.size() != 1)
        throw bad_input("x", "the model has " + std::to_string(names.size()) +
                                 " inputs: give a dict of arrays by name");
      inputs.push_back(to_tensor(x.cast<py::array>(), names[0]));
    }
    ModelOutputs out;
    {
      py::gil_scoped_release release;
      out = m.run(inputs, RunContext{threads_});
    }
    const auto& outs = m.graph().outputs;
    if (out.outputs.size() == 1) return to_numpy(out.outputs[0]);
    py::dict d;
    for (std::size_t i = 0; i < out.outputs.size(); ++i)
      d[py::str(outs[i])] = to_numpy(out.outputs[i]);
    return d;
  }

  std::vector<std::string> inputs() const { return loaded_->model.graph().inputs; }
  std::vector<std::string> outputs() const { return loaded_->model.graph().outputs; }
  std::string mode() const { return exec_mode_name(loaded_->model.mode()); }
  std::vector<std::string> float_nodes() const { return loaded_->model.float_nodes(); }

 private:
  std::unique_ptr<models::LoadedModel> loaded_;
  int threads_ = 1;
};

}  // namespace
}  // namespace aimc::python

PYBIND11_MODULE(aimc, m) {
  using aimc::python::PyModel;
  m.doc() = "aimc: quantized ONNX networks, bit-exact digital and on emulated analog tiles";
  py::register_exception<aimc::BadInput>(m, "BadInput", PyExc_ValueError);
  py::class_<PyModel>(m, "Model", R"(An ONNX model loaded for one mode.

Model(path, mode="digital", analog=None, seed=0, threads=None, placement=None,
      allow_float=False, calibration=None)

mode: "digital" (integer kernels), "float" or "analog" (matrix products on
emulated crossbar tiles). analog: a preset name ("ideal", "ima-paper",
"aihwkit-standard"), a JSON file path or a dict of configuration keys
(default "ideal"). seed: the device draws. calibration: images or .npy for
calibrated ADC ranges (default: the shared images' calibration split).
Bad input raises aimc.BadInput.)")
      .def(py::init<const std::string&, const std::string&, const py::object&, uint64_t,
                    std::optional<int>, std::optional<std::string>, bool,
                    std::optional<std::string>>(),
           py::arg("path"), py::arg("mode") = "digital", py::arg("analog") = py::none(),
           py::arg("seed") = 0, py::arg("threads") = py::none(), py::arg("placement") = py::none(),
           py::arg("allow_float") = false, py::arg("calibration") = py::none())
      .def("run", &PyModel::run, py::arg("x"),
           "Runs one batch: a numpy array of the model's input shape (or a dict of arrays by "
           "input name); returns the output array (a dict by name for several outputs).")
      .def_property_readonly("inputs", &PyModel::inputs, "input names")
      .def_property_readonly("outputs", &PyModel::outputs, "output names")
      .def_property_readonly("mode", &PyModel::mode)
      .def_property_readonly("float_nodes", &PyModel::float_nodes,
                             "nodes that run in float (allow_float)");
}
