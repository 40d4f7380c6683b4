#pragma once
// aimc.evaluate, aimc.sweep, aimc.sensitivity and aimc.timing: the CLI's
// sub-commands run in-process (demos/aimc/cli.h), with keyword arguments as
// their options, returning what they write as JSON as plain dicts and
// lists. One code path, so the fields, the validation, the messages and
// the bits are the CLI's.
#include <pybind11/pybind11.h>

#include "demos/python/python_model.h"

namespace aimc::python {

// aimc.evaluate(model, images=None, labels=None, limit=None, batch=8,
//               first_image=0, **options)
pybind11::dict evaluate(const PyModel& model, const pybind11::object& images,
                        const pybind11::object& labels, const pybind11::object& limit, int batch,
                        int64_t first_image, const pybind11::kwargs& options);

// aimc.sweep(grid, out=None, model=None, **options) -> {"header", "results", "summary"}
pybind11::dict sweep(const pybind11::object& grid, const pybind11::object& out,
                     const pybind11::object& model, const pybind11::kwargs& options);

// aimc.sensitivity(model, **options)
pybind11::dict sensitivity(const pybind11::object& model, const pybind11::kwargs& options);

// aimc.timing(model_or_spec=None, **options)
pybind11::dict timing(const pybind11::object& model_or_spec, const pybind11::kwargs& options);

}  // namespace aimc::python
