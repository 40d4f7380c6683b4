#include "demos/python/python_model.h"

#include <algorithm>
#include <chrono>
#include <thread>
#include <utility>

#include "demos/aimc/cli_common.h"
#include "demos/python/numpy_tensors.h"
#include "engine/analog/analog_config_json.h"
#include "engine/error.h"
#include "engine/passes/placement_file.h"
#include "models/data/shared_paths.h"
#include "models/studies/topk.h"

namespace py = pybind11;

namespace aimc::python {
namespace {

AnalogConfig analog_from(const py::object& analog) {
  if (analog.is_none()) return analog_preset("ideal");
  if (py::isinstance<py::str>(analog)) return load_analog_config(analog.cast<std::string>());
  if (py::isinstance<py::dict>(analog)) {
    const std::string text = py::module_::import("json").attr("dumps")(analog).cast<std::string>();
    return analog_config_from_json(nlohmann::json::parse(text), "analog");
  }
  throw bad_input("analog", "expected a preset name, a JSON file path or a dict");
}

py::object json_to_python(const nlohmann::json& j) {
  return py::module_::import("json").attr("loads")(j.dump());
}

}  // namespace

PyModel::PyModel(const ModelArguments& a) {
  models::LoadSettings& s = settings_;
  s.model_path = a.path;
  s.mode = parse_exec_mode(a.mode);
  s.allow_float = a.allow_float;
  s.threads =
      a.threads ? *a.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  if (s.threads < 1) throw bad_input("threads", "must be positive");
  if (s.mode == ExecMode::kAnalog) s.analog = analog_from(a.analog);
  s.analog.seed = a.seed;  // also the seed evaluate() reports in digital and float mode
  if (s.mode == ExecMode::kAnalog) {
    files_ = std::make_unique<TempDir>();
    analog_path_ = files_->write("analog.json", analog_config_to_json(s.analog).dump(2));
  }
  if (a.placement) {
    placement_path_ = *a.placement;
    s.placement = load_placement(placement_path_);
  }
  s.preprocessing = models::resolve_preprocessing("", s.model_path);
  s.calibration_source = a.calibration ? *a.calibration : models::default_images_dir();
  py::gil_scoped_release release;
  loaded_ = std::make_unique<models::LoadedModel>(models::load_uncalibrated(s));
  models::calibrate_loaded(*loaded_, s);
}

std::string PyModel::mode() const { return exec_mode_name(loaded_->model.mode()); }

py::object PyModel::run(const py::object& x, int64_t first_image, bool dump_layers) const {
  const Model& m = loaded_->model;
  const auto& names = m.graph().inputs;
  std::vector<HostArray> arrays;
  if (py::isinstance<py::dict>(x)) {
    const auto d = x.cast<py::dict>();
    for (const std::string& n : names) {
      if (!d.contains(n)) throw bad_input("x", "no array for input '" + n + "'");
      arrays.push_back(host_array(d[py::str(n)], n));
    }
    if (d.size() != names.size()) throw bad_input("x", "arrays for unknown inputs");
  } else {
    if (names.size() != 1)
      throw bad_input("x", "the model has " + std::to_string(names.size()) +
                               " inputs: give a dict of arrays by name");
    arrays.push_back(host_array(x, names[0]));
  }
  if (first_image < 0) throw bad_input("first_image", "must not be negative");
  ModelOutputs out;
  std::vector<std::pair<std::string, Tensor>> layers;
  const RunInputs inputs(arrays, input_storage_);  // gives back with the GIL held
  {
    py::gil_scoped_release release;
    RunContext ctx{settings_.threads};
    ctx.first_image = first_image;
    LayerObserver observer = nullptr;
    if (dump_layers)
      observer = [&](const Node& n, std::span<const Tensor> outs) {
        for (std::size_t k = 0; k < outs.size(); ++k) layers.emplace_back(n.outputs[k], outs[k]);
      };
    out = m.run(inputs.tensors(), ctx, observer);
  }
  const auto& outs = m.graph().outputs;
  py::object result;
  if (out.outputs.size() == 1) {
    result = to_numpy(std::move(out.outputs[0]));
  } else {
    py::dict d;
    for (std::size_t i = 0; i < out.outputs.size(); ++i)
      d[py::str(outs[i])] = to_numpy(std::move(out.outputs[i]));
    result = d;
  }
  if (!dump_layers) return result;
  py::dict dumped;  // in execution order
  for (auto& [name, t] : layers) dumped[py::str(name)] = to_numpy(std::move(t));
  return py::make_tuple(result, dumped);
}

py::dict PyModel::evaluate_arrays(const py::array& images, const py::array& labels, int batch,
                                  std::optional<int64_t> limit, int64_t first_image) const {
  const Model& m = loaded_->model;
  if (m.graph().inputs.size() != 1)
    throw bad_input("images", "the model has several inputs; evaluate needs one");
  if (batch < 1) throw bad_input("batch", "must be positive");
  const HostArray x = host_array(images, "images");
  const auto y = py::array_t<int64_t, py::array::c_style | py::array::forcecast>::ensure(labels);
  if (!y || y.ndim() != 1) throw bad_input("labels", "expected a 1-D array of class indices");
  if (x.shape.empty() || x.shape[0] != y.shape(0))
    throw bad_input("labels", "has " + std::to_string(y.shape(0)) + " labels for " +
                                  std::to_string(x.shape.empty() ? 0 : x.shape[0]) + " images");
  if (limit && *limit < 1) throw bad_input("limit", "must be positive");
  if (first_image < 0) throw bad_input("first_image", "must not be negative");
  const int64_t count = limit ? std::min(*limit, x.shape[0]) : x.shape[0];
  const int64_t* label = y.data();
  models::TopKCounts counts;
  double seconds = 0;
  {
    py::gil_scoped_release release;
    const auto start = std::chrono::steady_clock::now();
    for (int64_t first = 0; first < count; first += batch) {
      const int64_t n = std::min<int64_t>(batch, count - first);
      RunContext ctx{settings_.threads};
      ctx.first_image = first_image + first;  // keys per-MVM noise, whatever the batch
      std::vector<Tensor> inputs;
      inputs.push_back(rows_to_tensor(x, first, n, input_storage_.take()));
      const ModelOutputs out = m.run(inputs, ctx);
      input_storage_.give(std::move(inputs[0]).release_storage());
      const Tensor& scores = out.outputs.at(0);
      if (scores.dtype() != DType::kFloat32 || scores.size() % n)
        throw bad_input("images", "the model's first output is not [batch, classes] float");
      const int64_t classes = scores.size() / n;
      for (int64_t i = 0; i < n; ++i)
        counts.add(scores.values<float>().subspan(static_cast<std::size_t>(i * classes),
                                                  static_cast<std::size_t>(classes)),
                   static_cast<int>(label[first + i]));
    }
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  nlohmann::json j = {
      {"model", settings_.model_path},
      {"mode", mode()},
      {"images", counts.images},
      {"top1", counts.top1_rate()},
      {"top5", counts.top5_rate()},
      {"top1_count", counts.top1},
      {"top5_count", counts.top5},
      {"images_per_second", seconds > 0 ? counts.images / seconds : 0.0},
      {"seed", settings_.analog.seed},
      {"config",
       {{"threads", settings_.threads}, {"batch", batch}, {"images_source", "numpy array"}}}};
  if (m.mode() == ExecMode::kAnalog) {
    cli::CommonSettings s;
    s.mode = ExecMode::kAnalog;
    s.analog = settings_.analog;
    s.seed = settings_.analog.seed;
    const nlohmann::json a = cli::analog_record(s, m, loaded_->calibration_images, loaded_->gptq);
    j["config"]["analog"] = a["config"];
    if (a.contains("calibration")) j["config"]["calibration"] = a["calibration"];
    if (a.contains("gptq")) j["config"]["gptq"] = a["gptq"];
  }
  if (const auto f = cli::float_nodes_record(m); !f.is_null()) j["float_nodes"] = f;
  return json_to_python(j).cast<py::dict>();
}

std::vector<double> PyModel::engine_seconds(const py::object& x, int repeats) const {
  const HostArray a = host_array(x, "x");
  std::vector<double> seconds;
  py::gil_scoped_release release;
  const std::vector<Tensor> inputs{to_tensor(a)};
  for (int i = 0; i < repeats; ++i) {
    const auto start = std::chrono::steady_clock::now();
    const ModelOutputs out = loaded_->model.run(inputs, RunContext{settings_.threads});
    seconds.push_back(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return seconds;
}

std::vector<std::string> PyModel::cli_words(const std::string& command,
                                            const std::optional<std::string>& idx_images) const {
  const models::LoadSettings& s = settings_;
  std::vector<std::string> w{"--model", s.model_path};
  // Timing costs the graph; its scenario or mode is the caller's option.
  if (command == "timing") return w;
  if (command != "sweep") {
    w.insert(w.end(), {"--mode", exec_mode_name(s.mode)});
    if (!analog_path_.empty()) w.insert(w.end(), {"--analog", analog_path_});
  }
  if (!placement_path_.empty()) w.insert(w.end(), {"--placement", placement_path_});
  w.insert(w.end(), {"--threads", std::to_string(s.threads)});
  // IDX images calibrate on their own first half (the CLI refuses another
  // source); a model calibrated elsewhere would not be this model.
  if (!idx_images) {
    w.insert(w.end(), {"--calibration", s.calibration_source});
  } else if (loaded_->model.needs_calibration() && s.calibration_source != *idx_images) {
    throw bad_input("calibration",
                    "IDX images calibrate on the first half of their own file: "
                    "load the model with calibration='" +
                        *idx_images + "'");
  }
  if (command == "sweep") return w;
  w.insert(w.end(), {"--seed", std::to_string(s.analog.seed)});
  if (s.allow_float) w.push_back("--allow-float");
  return w;
}

}  // namespace aimc::python
