#include "tryggve/cluster/cluster.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstdint>

#include "tryggve/core/error.hpp"

#ifdef TRYGGVE_WITH_MPI
#include <mpi.h>
#endif

namespace tryggve::cluster {
namespace {

// Started by mpirun (Open MPI, or a PMI launcher): only then is MPI_Init worth its
// start-up, and a plain `tryggve sweep` never needs an MPI daemon.
bool launched_by_mpi() {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_SIZE"})
    if (std::getenv(v)) return true;
  return false;
}

}  // namespace

bool Cluster::built_with_mpi() {
#ifdef TRYGGVE_WITH_MPI
  return true;
#else
  return false;
#endif
}

Cluster::Cluster() {
#ifdef TRYGGVE_WITH_MPI
  if (!launched_by_mpi()) return;
  int provided = 0;
  // Only the main thread calls MPI; oneTBB's workers never do.
  if (MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS)
    throw Error(ErrorCode::Internal, "MPI", "MPI_Init_thread failed");
  mpi_ = true;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
#else
  if (launched_by_mpi() && std::getenv("OMPI_COMM_WORLD_SIZE") && std::atoi(std::getenv("OMPI_COMM_WORLD_SIZE")) > 1)
    throw Error(ErrorCode::BadOption, "mpirun",
                "this tryggve was built without MPI (-DTRYGGVE_MPI=OFF or no MPI found): every rank would do the "
                "whole sweep; run it without mpirun or rebuild with libopenmpi-dev");
#endif
}

Cluster::~Cluster() {
#ifdef TRYGGVE_WITH_MPI
  if (mpi_) MPI_Finalize();
#endif
}

std::vector<std::string> Cluster::gather(const std::string& bytes) const {
  if (!mpi_) return {bytes};
#ifdef TRYGGVE_WITH_MPI
  // Sizes first (64-bit: a rank's share may pass 2 GB in a large sweep), then the
  // bytes in chunks below MPI's int counts.
  const std::uint64_t mine = bytes.size();
  std::vector<std::uint64_t> sizes(rank_ == 0 ? size_ : 0);
  MPI_Gather(&mine, 1, MPI_UINT64_T, sizes.data(), 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);
  constexpr std::uint64_t kChunk = 1u << 30;
  std::vector<std::string> out;
  if (rank_ == 0) {
    out.resize(size_);
    out[0] = bytes;
    for (int r = 1; r < size_; ++r) {
      out[r].resize(sizes[r]);
      for (std::uint64_t at = 0; at < sizes[r]; at += kChunk) {
        const int n = static_cast<int>(std::min(kChunk, sizes[r] - at));
        MPI_Recv(out[r].data() + at, n, MPI_BYTE, r, 7, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      }
    }
  } else {
    for (std::uint64_t at = 0; at < mine; at += kChunk) {
      const int n = static_cast<int>(std::min(kChunk, mine - at));
      MPI_Send(bytes.data() + at, n, MPI_BYTE, 0, 7, MPI_COMM_WORLD);
    }
  }
  return out;
#else
  return {bytes};
#endif
}

void Cluster::abort(int exit_code) const {
#ifdef TRYGGVE_WITH_MPI
  if (mpi_) MPI_Abort(MPI_COMM_WORLD, exit_code);
#endif
  std::exit(exit_code);
}

}  // namespace tryggve::cluster
