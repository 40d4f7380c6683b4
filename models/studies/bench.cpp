#include "models/studies/bench.h"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <span>

#include "models/studies/text_table.h"

namespace aimc::models {

double BenchTimes::latency_ms(double p) const {
  return ms[std::min(ms.size() - 1, static_cast<std::size_t>(p * (ms.size() - 1) + 0.5))];
}

BenchTimes bench_model(const Model& model, const Model* digital, const std::vector<Tensor>& inputs,
                       int batch, int threads, int iterations) {
  auto timed = [&](const Model& m) {
    const auto t0 = std::chrono::steady_clock::now();
    m.run(inputs, RunContext{threads});
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  };
  model.run(inputs, RunContext{threads});  // warm-up
  if (digital) digital->run(inputs, RunContext{threads});
  BenchTimes r;
  std::vector<double> digital_ms;
  for (int i = 0; i < iterations; ++i) {
    r.ms.push_back(timed(model));
    if (digital) digital_ms.push_back(timed(*digital));
  }
  double total_ms = 0, digital_total_ms = 0;
  for (double v : r.ms) total_ms += v;
  for (double v : digital_ms) digital_total_ms += v;
  std::sort(r.ms.begin(), r.ms.end());
  r.images_per_second = batch * iterations / (total_ms / 1000.0);
  if (digital) r.digital_images_per_second = batch * iterations / (digital_total_ms / 1000.0);
  return r;
}

double peak_rss_mb() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss / 1024.0;
}

std::string profile_report(const Model& model, const std::vector<Tensor>& inputs, int threads,
                           int iterations) {
  using Clock = std::chrono::steady_clock;
  std::map<std::string, double> by_node, by_op;
  std::map<std::string, std::string> op_of;
  double total = 0;
  for (int i = 0; i < iterations; ++i) {
    auto last = Clock::now();
    model.run(inputs, RunContext{threads}, [&](const Node& n, std::span<const Tensor>) {
      const auto now = Clock::now();
      const double ms = std::chrono::duration<double, std::milli>(now - last).count();
      const std::string op = n.op_type == "QConv" || n.op_type == "Conv"
                                 ? n.op_type + (n.attr_int("group", 1) > 1 ? " (depthwise)" : "")
                                 : n.op_type;
      by_node[n.name] += ms;
      op_of[n.name] = op;
      by_op[op] += ms;
      total += ms;
      last = now;
    });
  }
  std::vector<std::pair<double, std::string>> ops, nodes;
  for (const auto& [k, v] : by_op) ops.push_back({v, k});
  for (const auto& [k, v] : by_node) nodes.push_back({v, k});
  std::sort(ops.rbegin(), ops.rend());
  std::sort(nodes.rbegin(), nodes.rend());
  std::string out;
  appendf(out, "profile: %.2f ms per run\n%-28s %10s %6s\n", total / iterations, "op type",
          "ms/run", "share");
  for (const auto& [ms, op] : ops)
    appendf(out, "%-28s %10.3f %5.1f%%\n", op.c_str(), ms / iterations, 100 * ms / total);
  appendf(out, "%-28s %-20s %10s %6s\n", "slowest layers", "op type", "ms/run", "share");
  for (std::size_t i = 0; i < std::min<std::size_t>(12, nodes.size()); ++i)
    appendf(out, "%-28s %-20s %10.3f %5.1f%%\n", nodes[i].second.c_str(),
            op_of[nodes[i].second].c_str(), nodes[i].first / iterations,
            100 * nodes[i].first / total);
  return out;
}

}  // namespace aimc::models
