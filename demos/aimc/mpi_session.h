#pragma once
// The MPI session of a distributed sweep: initialised only when the process
// was started by mpirun (OpenMPI sets OMPI_COMM_WORLD_SIZE), so the same
// binary runs alone without any MPI runtime. Without MPI support at build
// time it is always a single rank. It is the sweep runner's message passing
// (models/studies/sweep_comm.h), which keeps MPI out of the library.
#include <optional>
#include <string>
#include <vector>

#include "models/studies/sweep_comm.h"

namespace aimc::cli {

class MpiSession final : public models::SweepComm {
 public:
  MpiSession();
  ~MpiSession() override;
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;

  int rank() const override { return rank_; }
  int size() const override { return size_; }
  bool root() const { return rank_ == 0; }

  void broadcast(std::vector<int>& values) const override;
  void send_to_root(const std::string& message) const override;
  std::optional<std::string> receive(bool wait) const override;
  // Whether a failure on one rank must stop all of them.
  void abort(int code) const;

 private:
  bool active_ = false;
  int rank_ = 0, size_ = 1;
};

}  // namespace aimc::cli
