#include "models/studies/results_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/error.h"

namespace aimc::models {
namespace {

void write_all(int fd, const std::string& bytes, const std::string& path) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) throw bad_input(path, "write failed");
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) throw bad_input(path, "fsync failed");
}

}  // namespace

ResultsLog::ResultsLog(std::string path, const nlohmann::json& header) : path_(std::move(path)) {
  std::error_code ec;
  const bool exists =
      std::filesystem::exists(path_, ec) && std::filesystem::file_size(path_, ec) > 0;
  if (exists) {
    std::ifstream in(path_, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();
    // Only newline-terminated lines are complete; a torn tail is dropped.
    const std::size_t complete = text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1;
    std::istringstream lines(text.substr(0, complete));
    std::string line;
    bool first = true;
    while (std::getline(lines, line)) {
      nlohmann::json j;
      try {
        j = nlohmann::json::parse(line);
      } catch (const nlohmann::json::exception&) {
        throw bad_input(path_, "is not a results file of aimc sweep (a line is not JSON)");
      }
      if (first) {
        if (!j.contains("sweep") || j["sweep"] != header["sweep"])
          throw bad_input(
              path_,
              "was written by a different sweep (grid, model, images or preprocessing); "
              "refusing to mix results — use another --out file");
        first = false;
        continue;
      }
      done_.insert({j.at("point").dump(), j.at("seed").get<uint64_t>()});
      results_.push_back(std::move(j));
    }
    if (complete < text.size()) std::filesystem::resize_file(path_, complete, ec);
    if (first && complete > 0) throw bad_input(path_, "has no sweep header line");
  }
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) throw bad_input(path_, "cannot open for appending");
  if (!exists || std::filesystem::file_size(path_, ec) == 0)
    write_all(fd_, header.dump() + "\n", path_);
}

ResultsLog::~ResultsLog() {
  if (fd_ >= 0) ::close(fd_);
}

bool ResultsLog::done(const nlohmann::json& point, uint64_t seed) const {
  return done_.count({point.dump(), seed}) != 0;
}

void ResultsLog::append(const nlohmann::json& result) {
  write_all(fd_, result.dump() + "\n", path_);
  done_.insert({result.at("point").dump(), result.at("seed").get<uint64_t>()});
  results_.push_back(result);
}

}  // namespace aimc::models
