#pragma once
// Background jobs for the viewer: run a scenario or one edited intervention
// while the page polls for progress, then fetch the result.
//
// The queue owns a small fixed pool of worker threads (one by default: a
// simulation already uses every core through oneTBB, and two at once would only
// halve each other's speed). Finished jobs are kept for polling up to a limit;
// the oldest finished ones are dropped first.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <stdexcept>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

namespace tryggve::server {

// What a running job may report and check. Thread-safe.
class JobContext {
 public:
  // share in [0, 1] (clamped) and a short message ("simulating 300/1000 replicates").
  void progress(double share, std::string message = {});
  bool cancel_requested() const { return cancel_.load(); }
  // Throws Error(Interrupted) if the job was cancelled: call it between steps.
  void throw_if_cancelled() const;
  // A first answer while the job goes on refining it (status shows it as
  // "partial" until the job ends; a cancelled or failed job's is withdrawn).
  void partial(nlohmann::json answer);
  nlohmann::json partial() const;

 private:
  friend class JobQueue;
  mutable std::mutex mu_;
  double share_ = 0;
  std::string message_;
  nlohmann::json partial_;
  std::atomic<bool> cancel_{false};
};

// Runs one validated request and returns its result (any JSON). Throws
// tryggve::Error for failures the user can act on; other exceptions are reported
// as internal errors.
using JobRunner = std::function<nlohmann::json(const nlohmann::json& request, JobContext& ctx)>;

class JobQueue {
 public:
  // Throws Error(BadOption) if workers < 1 or max_kept < 1.
  JobQueue(JobRunner runner, int workers = 1, std::size_t max_kept = 64);
  ~JobQueue();  // cancels running jobs and joins the workers
  JobQueue(const JobQueue&) = delete;
  JobQueue& operator=(const JobQueue&) = delete;

  // Queues the request and returns its id ("1", "2", ... in submission order).
  // Throws Error(BadOption) if max_kept jobs are queued or running already, and
  // Busy when `client` (its address) or everyone together has the most queued or
  // running jobs allowed (limits()). A non-empty `supersedes` key first cancels the
  // queued and running jobs submitted with the same key (a client's new edit
  // replaces its previous what-if), so they do not count against the limits.
  std::string submit(nlohmann::json request, const std::string& client = {}, const std::string& supersedes = {});
  struct Busy : std::runtime_error {
    using std::runtime_error::runtime_error;
  };
  // Queued + running jobs allowed in total and per client (0 = no limit).
  void limits(std::size_t total, std::size_t per_client);
  // {"id","state":"queued|running|done|failed|cancelled","progress","message",
  //  "request","partial" (while running, when the job gave one),"result" (when done),
  //  "error" (when failed),"seconds"}; nullopt if unknown.
  std::optional<nlohmann::json> status(const std::string& id) const;
  // All jobs, newest first, without their results.
  nlohmann::json list() const;
  // Asks a job to stop; false if unknown or already finished.
  bool cancel(const std::string& id);

 private:
  struct Job;
  void work();
  void trim_locked();
  JobRunner runner_;
  std::size_t max_kept_;
  std::size_t max_active_ = 0, max_active_per_client_ = 0;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::shared_ptr<Job>> pending_;
  std::map<std::uint64_t, std::shared_ptr<Job>> jobs_;
  std::uint64_t next_id_ = 1;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

// Text for a reply: every token of two or more '/'-components (a file path in an
// engine error) becomes its last component, so no client learns the server's folders.
std::string without_paths(const std::string& s);

}  // namespace tryggve::server
