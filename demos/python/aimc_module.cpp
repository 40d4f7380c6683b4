// The `aimc` Python module: models from ONNX files run on numpy arrays, and
// the CLI's studies (eval, sweep, sensitivity, timing) returning their JSON
// as dicts. Bad input raises aimc.BadInput (a ValueError) with the CLI's
// message; the GIL is released while the engine runs.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "demos/python/numpy_tensors.h"
#include "demos/python/python_model.h"
#include "demos/python/python_studies.h"
#include "engine/error.h"

namespace py = pybind11;

namespace {

constexpr const char* kModelDoc = R"(An ONNX model loaded for one mode.

Model(path, mode="digital", analog=None, seed=0, threads=None, placement=None,
      allow_float=False, calibration=None)

mode: "digital" (integer kernels), "float" or "analog" (matrix products on
emulated crossbar tiles). analog: a preset name ("ideal", "ima-paper",
"aihwkit-standard"), a JSON file path or a dict of configuration keys, the
same keys and checks as `aimc --analog` (default "ideal"). seed: the device
draws. threads: OpenMP threads (default: all cores; results never depend on
it). placement: a placement JSON (`aimc place`). calibration: images or .npy
for calibrated ADC ranges (default: the shared images' calibration split).
Bad input raises aimc.BadInput.)";

constexpr const char* kRunDoc = R"(Runs one batch.

run(x, first_image=0, dump_layers=False)

x: a numpy array of the model's input shape (batch first), or a dict of
arrays by input name. Returns the output array (float32; a dict by output
name for several outputs), without a copy. first_image: the index of the
batch's first sample in a longer run; it keys the analog per-MVM noise, so
results do not depend on how samples are batched. dump_layers=True returns
(outputs, layers): layers maps every node's output tensor name, in execution
order, to its value as the engine holds it (int8 NHWC on the integer path).)";

constexpr const char* kEvaluateDoc = R"(Top-1/top-5 accuracy, as `aimc eval --json`.

evaluate(model, images=None, labels=None, limit=None, batch=8, first_image=0,
         **options)

images: a numpy array of inputs (batch first) with labels an array of class
indices, evaluated on this loaded model (first_image: the first row's index
in the whole data set, which keys the analog per-MVM noise); or an image directory, file,index
CSV or MNIST IDX file (default: the shared images), with labels a labels
file, evaluated by the CLI's code on the model loaded the same way (its
calibration split is never evaluated). options: further `aimc eval` options
as keywords (timing=True, hw="alpine-lp", ...). Returns the JSON's fields.)";

constexpr const char* kSweepDoc = R"(Accuracy over a grid, as `aimc sweep`.

sweep(grid, out=None, model=None, **options)

grid: a dict or JSON file of the CLI's schema ({"analog": preset or {...},
"grid": {key: [values]}, "seeds": K}). out: the JSON Lines results file
(re-running resumes it; default: a temporary file). model: an aimc.Model or
a path. options: `aimc sweep` options as keywords (images=, limit=, batch=,
seeds=, ...). Returns {"header": ..., "results": [one dict per point and
seed], "summary": [one dict per point: mean and std over seeds]}.)";

constexpr const char* kSensitivityDoc = R"(Top-1 drop per layer, as `aimc sensitivity --json`.

sensitivity(model, **options)

model: an aimc.Model in analog mode (its configuration on one layer at a
time), or a path with analog= among the options. options: `aimc
sensitivity` options as keywords (images=, limit=, batch=, ...).)";

constexpr const char* kTimingDoc = R"(Cycles, time and energy per layer, as `aimc timing --json`.

timing(model_or_spec=None, **options)

model_or_spec: an aimc.Model or ONNX path (its graph), or a programmatic
network ("mobilenetv2", "bottleneck", "alpine-mlp", "cnn-f", ...). options:
`aimc timing` options as keywords: hw="alpine-hp", scenario="tc", mode=,
mapping=, compare=True, ...)";

}  // namespace

PYBIND11_MODULE(aimc, m) {
  using aimc::python::ModelArguments;
  using aimc::python::PyModel;
  m.doc() = "aimc: quantized ONNX networks, bit-exact digital and on emulated analog tiles";
  py::register_exception<aimc::BadInput>(m, "BadInput", PyExc_ValueError);
  py::class_<PyModel>(m, "Model", kModelDoc)
      .def(py::init([](const std::string& path, const std::string& mode, const py::object& analog,
                       uint64_t seed, std::optional<int> threads,
                       std::optional<std::string> placement, bool allow_float,
                       std::optional<std::string> calibration) {
             return std::make_unique<PyModel>(ModelArguments{path, mode, analog, seed, threads,
                                                             placement, allow_float, calibration});
           }),
           py::arg("path"), py::arg("mode") = "digital", py::arg("analog") = py::none(),
           py::arg("seed") = 0, py::arg("threads") = py::none(), py::arg("placement") = py::none(),
           py::arg("allow_float") = false, py::arg("calibration") = py::none())
      .def("run", &PyModel::run, kRunDoc, py::arg("x"), py::arg("first_image") = 0,
           py::arg("dump_layers") = false)
      .def("_engine_seconds", &PyModel::engine_seconds, py::arg("x"), py::arg("repeats"),
           "seconds of each engine run of x, without the module's conversions (for the "
           "overhead benchmark)")
      .def_property_readonly("path", &PyModel::path, "the ONNX file")
      .def_property_readonly("inputs", &PyModel::inputs, "input names")
      .def_property_readonly("outputs", &PyModel::outputs, "output names")
      .def_property_readonly("mode", &PyModel::mode)
      .def_property_readonly("float_nodes", &PyModel::float_nodes,
                             "nodes that run in float (allow_float)");
  m.def(
      "zeros",
      [](const std::vector<int64_t>& shape, const py::object& dtype) {
        const py::dtype d = py::dtype::from_args(dtype);
        return aimc::python::engine_zeros(shape, d);
      },
      R"(An array of zeros in engine memory: Model.run reads it without a copy.

zeros(shape, dtype=numpy.float32). Fill it in place (x[...] = data); the
arrays run() returns are in engine memory too, so one model's output goes
into another without a copy.)",
      py::arg("shape"), py::arg("dtype") = py::dtype::of<float>());
  m.def("evaluate", &aimc::python::evaluate, kEvaluateDoc, py::arg("model"),
        py::arg("images") = py::none(), py::arg("labels") = py::none(),
        py::arg("limit") = py::none(), py::arg("batch") = 8, py::arg("first_image") = 0);
  m.def("sweep", &aimc::python::sweep, kSweepDoc, py::arg("grid"), py::arg("out") = py::none(),
        py::arg("model") = py::none());
  m.def("sensitivity", &aimc::python::sensitivity, kSensitivityDoc, py::arg("model"));
  m.def("timing", &aimc::python::timing, kTimingDoc, py::arg("model_or_spec") = py::none());
}
