#include "demos/python/python_studies.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "demos/aimc/cli.h"
#include "demos/python/temp_dir.h"
#include "engine/error.h"
#include "models/data/mnist.h"

namespace py = pybind11;

namespace aimc::python {
namespace {

std::string to_json_text(const py::handle& value) {
  return py::module_::import("json").attr("dumps")(value).cast<std::string>();
}

std::string scalar_word(const py::handle& value, const std::string& option) {
  if (py::isinstance<py::bool_>(value) || value.is_none())
    throw bad_input(option, "expects a value, not True/False/None");
  if (py::isinstance<py::str>(value)) return value.cast<std::string>();
  if (py::isinstance<py::int_>(value) || py::isinstance<py::float_>(value))
    return py::str(value).cast<std::string>();
  if (py::hasattr(value, "__fspath__")) return py::str(value).cast<std::string>();
  throw bad_input(option, "expects a string or a number");
}

// Keyword arguments as CLI options: name_with_underscores becomes
// --name-with-dashes; True a flag, False or None nothing; a list or tuple
// the option once per item; a dict a JSON file in `files`, except for
// `set`, whose items become --set key=value.
std::vector<std::string> option_words(const py::kwargs& options, const TempDir& files) {
  std::vector<std::string> w;
  int dicts = 0;
  for (const auto& [key, value] : options) {
    std::string name = key.cast<std::string>();
    for (char& c : name)
      if (c == '_') c = '-';
    const std::string option = "--" + name;
    if (value.is_none()) continue;
    if (py::isinstance<py::bool_>(value)) {
      if (value.cast<bool>()) w.push_back(option);
    } else if (py::isinstance<py::dict>(value) && name == "set") {
      for (const auto& [k, v] : value.cast<py::dict>()) {
        const std::string text =
            py::isinstance<py::str>(v) ? v.cast<std::string>() : to_json_text(v);
        w.insert(w.end(), {option, k.cast<std::string>() + "=" + text});
      }
    } else if (py::isinstance<py::dict>(value)) {
      w.insert(w.end(), {option, files.write(name + "-" + std::to_string(dicts++) + ".json",
                                             to_json_text(value))});
    } else if (py::isinstance<py::list>(value) || py::isinstance<py::tuple>(value)) {
      for (const auto& item : value) w.insert(w.end(), {option, scalar_word(item, option)});
    } else {
      w.insert(w.end(), {option, scalar_word(value, option)});
    }
  }
  return w;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw bad_input(path, "the command wrote no result");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs `aimc <words>` in-process without the GIL; BadInput carries its message.
void run_cli(const std::vector<std::string>& words) {
  int status = 0;
  {
    py::gil_scoped_release release;
    status = cli::run_command(words);
  }
  if (status != 0)
    throw std::runtime_error("aimc " + words.at(0) + " exited with " + std::to_string(status));
}

// Runs a command that writes --json FILE; returns the file as Python objects.
py::dict run_for_json(std::vector<std::string> words, const TempDir& files) {
  const std::string json = files.file("result.json");
  words.insert(words.end(), {"--json", json});
  run_cli(words);
  return py::module_::import("json").attr("loads")(read_text(json)).cast<py::dict>();
}

void append(std::vector<std::string>& to, const std::vector<std::string>& words) {
  to.insert(to.end(), words.begin(), words.end());
}

// A model given as an aimc.Model (loaded the same way again) or a path.
std::vector<std::string> model_words(const py::object& model, const std::string& command) {
  if (model.is_none()) return {};
  if (py::isinstance<PyModel>(model)) return model.cast<const PyModel&>().cli_words(command);
  return {"--model", scalar_word(model, "model")};
}

// The summary CSV as a list of dicts, numbers as floats.
py::list read_csv(const std::string& path) {
  py::list rows;
  if (!std::filesystem::exists(path)) return rows;
  const py::object reader = py::module_::import("csv").attr("DictReader")(
      py::module_::import("io").attr("StringIO")(read_text(path)));
  const py::object to_float = py::module_::import("builtins").attr("float");
  for (const auto& row : reader) {
    py::dict d;
    for (const auto& [k, v] : row.cast<py::dict>()) {
      try {
        d[k] = to_float(v);
      } catch (const py::error_already_set&) {
        d[k] = v;  // not a number: the text as written
      }
    }
    rows.append(d);
  }
  return rows;
}

}  // namespace

py::dict evaluate(const PyModel& model, const py::object& images, const py::object& labels,
                  const py::object& limit, int batch, int64_t first_image,
                  const py::kwargs& options) {
  if (py::isinstance<py::array>(images)) {
    if (labels.is_none() || !py::isinstance<py::array>(labels))
      throw bad_input("labels", "an array of images needs an array of class indices");
    if (options.size()) throw bad_input("options", "apply to image files, not to arrays");
    return model.evaluate_arrays(
        images.cast<py::array>(), labels.cast<py::array>(), batch,
        limit.is_none() ? std::nullopt : std::optional<int64_t>(limit.cast<int64_t>()),
        first_image);
  }
  if (first_image != 0) throw bad_input("first_image", "applies to arrays of images");
  const TempDir files;
  std::vector<std::string> w{"eval"};
  const std::string image_source = images.is_none() ? "" : scalar_word(images, "--images");
  append(w, model.cli_words("eval", models::is_idx_file(image_source)
                                        ? std::optional<std::string>(image_source)
                                        : std::nullopt));
  if (!images.is_none()) append(w, {"--images", image_source});
  if (!labels.is_none()) append(w, {"--labels", scalar_word(labels, "--labels")});
  if (!limit.is_none()) append(w, {"--limit", scalar_word(limit, "--limit")});
  append(w, {"--batch", std::to_string(batch)});
  append(w, option_words(options, files));
  return run_for_json(w, files);
}

py::dict sweep(const py::object& grid, const py::object& out, const py::object& model,
               const py::kwargs& options) {
  const TempDir files;
  std::vector<std::string> w{"sweep"};
  append(w, model_words(model, "sweep"));
  const std::string grid_path = py::isinstance<py::dict>(grid)
                                    ? files.write("grid.json", to_json_text(grid))
                                    : scalar_word(grid, "--grid");
  // Without `out`, the results live only as long as this call.
  const std::string out_path =
      out.is_none() ? files.file("results.jsonl") : scalar_word(out, "--out");
  const std::string summary_path = options.contains("summary")
                                       ? scalar_word(options["summary"], "--summary")
                                       : files.file("summary.csv");
  append(w, {"--grid", grid_path, "--out", out_path});
  if (!options.contains("summary")) append(w, {"--summary", summary_path});
  append(w, option_words(options, files));
  run_cli(w);
  py::list lines;
  std::istringstream text(read_text(out_path));
  const py::object loads = py::module_::import("json").attr("loads");
  for (std::string line; std::getline(text, line);)
    if (!line.empty()) lines.append(loads(line));
  py::dict result;
  result["header"] = lines.size() ? py::object(lines[0]) : py::object(py::none());
  result["results"] = lines[py::slice(std::min<py::ssize_t>(1, py::ssize_t(lines.size())),
                                      static_cast<py::ssize_t>(lines.size()), 1)];
  result["summary"] = read_csv(summary_path);
  return result;
}

py::dict sensitivity(const py::object& model, const py::kwargs& options) {
  const TempDir files;
  std::vector<std::string> w{"sensitivity"};
  append(w, model_words(model, "sensitivity"));
  append(w, option_words(options, files));
  return run_for_json(w, files);
}

py::dict timing(const py::object& model_or_spec, const py::kwargs& options) {
  const TempDir files;
  std::vector<std::string> w{"timing"};
  if (!model_or_spec.is_none()) {
    if (py::isinstance<PyModel>(model_or_spec)) {
      append(w, model_or_spec.cast<const PyModel&>().cli_words("timing"));
    } else {
      // A path to an ONNX file, or the name of a programmatic network.
      const std::string what = scalar_word(model_or_spec, "model_or_spec");
      append(w, {std::filesystem::exists(what) ? "--model" : "--spec", what});
    }
  }
  append(w, option_words(options, files));
  return run_for_json(w, files);
}

}  // namespace aimc::python
