#pragma once
// The MPI session of a distributed sweep: initialised only when the process
// was started by mpirun (OpenMPI sets OMPI_COMM_WORLD_SIZE), so the same
// binary runs alone without any MPI runtime. Without MPI support at build
// time it is always a single rank.
#include <optional>
#include <string>
#include <vector>

namespace aimc::cli {

class MpiSession {
 public:
  MpiSession();
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }
  bool root() const { return rank_ == 0; }

  // Rank 0's list reaches every rank.
  void broadcast(std::vector<int>& values) const;
  // A worker's result to rank 0.
  void send_to_root(const std::string& message) const;
  // On rank 0: the next worker message; blocks when `wait`, else returns
  // nothing if none is pending.
  std::optional<std::string> receive(bool wait) const;
  // Whether a failure on one rank must stop all of them.
  void abort(int code) const;

 private:
  bool active_ = false;
  int rank_ = 0, size_ = 1;
};

}  // namespace aimc::cli
