#pragma once
// The processes of one run across machines: under `mpirun -np N` (Open MPI) N
// ranks, otherwise one. The only place that knows about MPI: mpi.h is included
// by cluster.cpp alone, and a build without MPI (-DTRYGGVE_MPI=OFF, or no MPI
// found) has the same interface with one rank.
//
// There is no scheduler here: work is split by the caller, deterministically, from
// rank() and size(); results travel to rank 0 with gather().
#include <string>
#include <vector>

namespace tryggve::cluster {

class Cluster {
 public:
  // Joins the MPI world when the process was started by an MPI launcher
  // (MPI_Init_thread; finalized by the destructor); one rank otherwise.
  // At most one Cluster per process.
  Cluster();
  ~Cluster();
  Cluster(const Cluster&) = delete;
  Cluster& operator=(const Cluster&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }
  // True if this build can run under MPI (TRYGGVE_MPI), whether or not it was launched so.
  static bool built_with_mpi();

  // Every rank's bytes at rank 0, in rank order; other ranks get an empty list.
  // Collective: every rank must call it.
  std::vector<std::string> gather(const std::string& bytes) const;
  // Ends every rank (after one failed: the others would wait in gather forever).
  [[noreturn]] void abort(int exit_code) const;

 private:
  int rank_ = 0, size_ = 1;
  bool mpi_ = false;
};

}  // namespace tryggve::cluster
