#pragma once
// A sweep's results file, JSON Lines, safe against crashes at any moment:
// the first line identifies the grid; every result is one whole line,
// appended with a single write and flushed to disk before the next point
// starts. Reopening skips finished (point, seed) pairs, drops a torn last
// line (a write cut by kill -9) and refuses a file made by another grid.
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace aimc::models {

class ResultsLog {
 public:
  ResultsLog(std::string path, const nlohmann::json& header);
  ~ResultsLog();
  ResultsLog(const ResultsLog&) = delete;
  ResultsLog& operator=(const ResultsLog&) = delete;

  bool done(const nlohmann::json& point, uint64_t seed) const;
  void append(const nlohmann::json& result);  // a JSON object: one line
  const std::vector<nlohmann::json>& results() const { return results_; }

 private:
  std::string path_;
  int fd_ = -1;
  std::set<std::pair<std::string, uint64_t>> done_;
  std::vector<nlohmann::json> results_;
};

}  // namespace aimc::models
