#pragma once
// The message passing of a sweep spread over processes (ranks): rank 0
// owns the results files, every rank computes its share of the items. The
// CLI implements it with MPI (demos/aimc/mpi_session.h), so the library
// itself never needs an MPI runtime; one process alone is SingleProcess.
#include <optional>
#include <string>
#include <vector>

namespace aimc::models {

class SweepComm {
 public:
  virtual ~SweepComm() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  // Rank 0's list reaches every rank.
  virtual void broadcast(std::vector<int>& values) const = 0;
  // A worker's result to rank 0.
  virtual void send_to_root(const std::string& message) const = 0;
  // On rank 0: the next worker message; blocks when `wait`, else returns
  // nothing if none is pending.
  virtual std::optional<std::string> receive(bool wait) const = 0;
};

class SingleProcess final : public SweepComm {
 public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  void broadcast(std::vector<int>&) const override {}
  void send_to_root(const std::string&) const override {}
  std::optional<std::string> receive(bool) const override { return std::nullopt; }
};

}  // namespace aimc::models
