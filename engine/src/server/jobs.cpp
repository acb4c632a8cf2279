#include "tryggve/server/jobs.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>

#include <fmt/format.h>

#include "tryggve/core/error.hpp"
#include "tryggve/core/log.hpp"

namespace tryggve::server {

void JobContext::progress(double share, std::string message) {
  std::lock_guard lock(mu_);
  share_ = std::clamp(share, 0.0, 1.0);
  if (!message.empty()) message_ = std::move(message);
}

void JobContext::partial(nlohmann::json answer) {
  std::lock_guard lock(mu_);
  partial_ = std::move(answer);
}

nlohmann::json JobContext::partial() const {
  std::lock_guard lock(mu_);
  return partial_;
}

void JobContext::throw_if_cancelled() const {
  if (cancel_requested()) throw Error(ErrorCode::Interrupted, "job", "cancelled");
}

struct JobQueue::Job {
  std::uint64_t id = 0;
  std::string client;
  nlohmann::json request;
  std::string supersedes;
  std::string state = "queued";
  nlohmann::json result, error;
  JobContext ctx;
  std::chrono::steady_clock::time_point submitted = std::chrono::steady_clock::now(), started, finished;
};

JobQueue::JobQueue(JobRunner runner, int workers, std::size_t max_kept) : runner_(std::move(runner)), max_kept_(max_kept) {
  if (workers < 1 || workers > 64) throw Error(ErrorCode::BadOption, "jobs", "workers must be in 1..64");
  if (max_kept < 1) throw Error(ErrorCode::BadOption, "jobs", "max_kept must be >= 1");
  if (!runner_) throw Error(ErrorCode::BadOption, "jobs", "no runner given");
  for (int i = 0; i < workers; ++i) workers_.emplace_back([this] { work(); });
}

JobQueue::~JobQueue() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    for (auto& [id, j] : jobs_) j->ctx.cancel_ = true;
  }
  cv_.notify_all();
  for (auto& t : workers_) t.join();
}

void JobQueue::limits(std::size_t total, std::size_t per_client) {
  std::lock_guard lock(mu_);
  max_active_ = total;
  max_active_per_client_ = per_client;
}

std::string JobQueue::submit(nlohmann::json request, const std::string& client, const std::string& supersedes) {
  std::lock_guard lock(mu_);
  if (!supersedes.empty()) {
    for (auto& [id, j] : jobs_) {
      if (j->supersedes != supersedes || (j->state != "queued" && j->state != "running")) continue;
      j->ctx.cancel_ = true;
      if (j->state == "queued") {
        j->state = "cancelled";
        pending_.erase(std::remove(pending_.begin(), pending_.end(), j), pending_.end());
      }
    }
  }
  // A running job that has been told to stop (superseded by a newer edit, or
  // cancelled by its client) no longer counts: it ends at its next checkpoint,
  // and counting it would refuse the very job that replaced it.
  std::size_t active = 0, mine = 0;
  for (const auto& [id, j] : jobs_) {
    const bool a = j->state == "queued" || (j->state == "running" && !j->ctx.cancel_requested());
    active += a;
    mine += a && j->client == client;
  }
  if (max_active_per_client_ > 0 && mine >= max_active_per_client_)
    throw Busy(fmt::format("you have {} jobs queued or running (at most {} per client): wait for one or cancel it", mine,
                           max_active_per_client_));
  if (max_active_ > 0 && active >= max_active_)
    throw Busy(fmt::format("{} jobs are queued or running (at most {}): try again when one has finished", active, max_active_));
  if (active >= max_kept_)
    throw Error(ErrorCode::BadOption, "jobs", fmt::format("{} jobs are queued or running already: wait or cancel one", active));
  auto job = std::make_shared<Job>();
  job->id = next_id_++;
  job->client = client;
  job->request = std::move(request);
  job->supersedes = supersedes;
  jobs_[job->id] = job;
  pending_.push_back(job);
  trim_locked();
  cv_.notify_one();
  return std::to_string(job->id);
}

void JobQueue::trim_locked() {
  // Drop the oldest finished jobs beyond the limit; running and queued ones stay.
  std::size_t n = jobs_.size();
  for (auto it = jobs_.begin(); it != jobs_.end() && n > max_kept_;) {
    const auto& s = it->second->state;
    if (s == "done" || s == "failed" || s == "cancelled") {
      it = jobs_.erase(it);
      --n;
    } else {
      ++it;
    }
  }
}

void JobQueue::work() {
  for (;;) {
    std::shared_ptr<Job> job;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !pending_.empty(); });
      if (stopping_) return;
      job = pending_.front();
      pending_.pop_front();
      if (job->ctx.cancel_requested()) {
        job->state = "cancelled";
        continue;
      }
      job->state = "running";
      job->started = std::chrono::steady_clock::now();
    }
    nlohmann::json result, error;
    std::string state = "done";
    try {
      result = runner_(job->request, job->ctx);
      if (job->ctx.cancel_requested()) state = "cancelled";
    } catch (const Error& e) {
      state = e.code() == ErrorCode::Interrupted ? "cancelled" : "failed";
      error = {{"code", error_info(e.code()).name}, {"where", without_paths(e.where())}, {"message", without_paths(e.message())}};
    } catch (const std::exception& e) {
      state = "failed";
      error = {{"code", "Internal"}, {"where", "job"}, {"message", "internal error (the server's log has the details)"}};
      log::error("job {}: internal error: {}", job->id, e.what());
    }
    std::lock_guard lock(mu_);
    job->state = state;
    if (state != "done") {
      // A stopped job leaves nothing behind: no result, no first answer.
      result = nullptr;
      std::lock_guard l2(job->ctx.mu_);
      job->ctx.partial_ = nullptr;
    }
    job->result = std::move(result);
    job->error = std::move(error);
    job->finished = std::chrono::steady_clock::now();
    if (state == "done") job->ctx.progress(1.0);
    trim_locked();
  }
}

std::optional<nlohmann::json> JobQueue::status(const std::string& id) const {
  std::uint64_t n = 0;
  if (id.empty() || id.size() > 18 || !std::all_of(id.begin(), id.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  n = std::stoull(id);
  std::lock_guard lock(mu_);
  auto it = jobs_.find(n);
  if (it == jobs_.end()) return std::nullopt;
  const Job& j = *it->second;
  nlohmann::json s = {{"id", id}, {"state", j.state}, {"request", j.request}};
  {
    std::lock_guard l2(j.ctx.mu_);
    s["progress"] = j.ctx.share_;
    s["message"] = j.ctx.message_;
    if (j.state == "running" && !j.ctx.partial_.is_null()) s["partial"] = j.ctx.partial_;
  }
  using secs = std::chrono::duration<double>;
  if (j.state != "queued") {
    const auto end = (j.state == "running") ? std::chrono::steady_clock::now() : j.finished;
    s["seconds"] = secs(end - j.started).count();
  }
  if (j.state == "done") s["result"] = j.result;
  if (!j.error.is_null()) s["error"] = j.error;
  return s;
}

nlohmann::json JobQueue::list() const {
  std::vector<std::string> ids;
  {
    std::lock_guard lock(mu_);
    for (auto it = jobs_.rbegin(); it != jobs_.rend(); ++it) ids.push_back(std::to_string(it->first));
  }
  nlohmann::json out = nlohmann::json::array();
  for (const auto& id : ids) {
    auto s = status(id);
    if (!s) continue;
    s->erase("result");
    s->erase("partial");
    out.push_back(std::move(*s));
  }
  return out;
}

bool JobQueue::cancel(const std::string& id) {
  if (id.empty() || id.size() > 18 || !std::all_of(id.begin(), id.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return false;
  std::lock_guard lock(mu_);
  auto it = jobs_.find(std::stoull(id));
  if (it == jobs_.end()) return false;
  auto& j = *it->second;
  if (j.state != "queued" && j.state != "running") return false;
  j.ctx.cancel_ = true;
  if (j.state == "queued") {
    j.state = "cancelled";
    pending_.erase(std::remove(pending_.begin(), pending_.end(), it->second), pending_.end());
  }
  return true;
}

// An engine error's place and message name files by their full path (right for
// the command line); a reply names only the file, so no client learns the
// server's folders. A token of two or more '/'-components becomes its last one.
std::string without_paths(const std::string& s) {
  std::string out;
  std::size_t i = 0;
  while (i < s.size()) {
    const bool starts = s[i] == '/' && (i == 0 || std::isspace(static_cast<unsigned char>(s[i - 1])) ||
                                        s[i - 1] == '\'' || s[i - 1] == '"' || s[i - 1] == '(' || s[i - 1] == '=');
    if (!starts) {
      out += s[i++];
      continue;
    }
    std::size_t j = i;
    while (j < s.size() && !std::isspace(static_cast<unsigned char>(s[j])) && s[j] != '\'' && s[j] != '"' && s[j] != ')' &&
           s[j] != ',' && s[j] != ';')
      ++j;
    std::string token = s.substr(i, j - i);
    std::string tail;
    while (!token.empty() && (token.back() == ':' || token.back() == '.')) tail.insert(tail.begin(), token.back()), token.pop_back();
    if (std::count(token.begin(), token.end(), '/') >= 2) {
      const auto slash = token.find_last_of('/', token.size() - (token.back() == '/' ? 2 : 1));
      token = token.substr(slash + 1);
    }
    out += token + tail;
    i = j;
  }
  return out;
}

}  // namespace tryggve::server
