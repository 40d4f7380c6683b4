#include "demos/aimc/mpi_session.h"

#include <cstdlib>

#ifdef AIMC_HAVE_MPI
#include <mpi.h>
#endif

namespace aimc::cli {

MpiSession::MpiSession() {
#ifdef AIMC_HAVE_MPI
  if (!std::getenv("OMPI_COMM_WORLD_SIZE") && !std::getenv("PMI_SIZE")) return;
  MPI_Init(nullptr, nullptr);
  active_ = true;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
#endif
}

MpiSession::~MpiSession() {
#ifdef AIMC_HAVE_MPI
  if (active_) MPI_Finalize();
#endif
}

void MpiSession::broadcast(std::vector<int>& values) const {
#ifdef AIMC_HAVE_MPI
  if (!active_) return;
  int n = static_cast<int>(values.size());
  MPI_Bcast(&n, 1, MPI_INT, 0, MPI_COMM_WORLD);
  values.resize(n);
  if (n > 0) MPI_Bcast(values.data(), n, MPI_INT, 0, MPI_COMM_WORLD);
#else
  (void)values;
#endif
}

void MpiSession::send_to_root(const std::string& message) const {
#ifdef AIMC_HAVE_MPI
  if (!active_) return;
  MPI_Send(message.data(), static_cast<int>(message.size()), MPI_CHAR, 0, 1, MPI_COMM_WORLD);
#else
  (void)message;
#endif
}

std::optional<std::string> MpiSession::receive(bool wait) const {
#ifdef AIMC_HAVE_MPI
  if (!active_) return std::nullopt;
  MPI_Status status;
  int pending = 0;
  if (wait) {
    MPI_Probe(MPI_ANY_SOURCE, 1, MPI_COMM_WORLD, &status);
    pending = 1;
  } else {
    MPI_Iprobe(MPI_ANY_SOURCE, 1, MPI_COMM_WORLD, &pending, &status);
  }
  if (!pending) return std::nullopt;
  int count = 0;
  MPI_Get_count(&status, MPI_CHAR, &count);
  std::string message(static_cast<std::size_t>(count), '\0');
  MPI_Recv(message.data(), count, MPI_CHAR, status.MPI_SOURCE, 1, MPI_COMM_WORLD,
           MPI_STATUS_IGNORE);
  return message;
#else
  (void)wait;
  return std::nullopt;
#endif
}

void MpiSession::abort(int code) const {
#ifdef AIMC_HAVE_MPI
  if (active_) MPI_Abort(MPI_COMM_WORLD, code);
#else
  (void)code;
#endif
}

}  // namespace aimc::cli
