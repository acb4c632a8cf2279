// The job queue's limits (server/jobs.hpp): a client may have only so many jobs
// queued or running, but a job it has cancelled or superseded no longer counts,
// even while it is still winding down: the viewer's editor supersedes its
// what-if with every edit and then presses "run", and that run must not be
// refused because of the what-if it has just replaced.
#include <chrono>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tryggve/server/jobs.hpp"

using namespace tryggve::server;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

// Runs until cancelled, then takes a while to stop (a simulation ends at its
// next checkpoint, not at once).
json slow_runner(const json&, JobContext& ctx) {
  while (!ctx.cancel_requested()) std::this_thread::sleep_for(2ms);
  std::this_thread::sleep_for(300ms);
  ctx.throw_if_cancelled();
  return json::object();
}

void wait_for(const JobQueue& q, const std::string& id, const std::string& state) {
  for (int i = 0; i < 2000; ++i) {
    if (q.status(id)->at("state") == state) return;
    std::this_thread::sleep_for(2ms);
  }
  FAIL() << "job " << id << " never became " << state;
}

}  // namespace

TEST(JobLimits, AClientBeyondItsLimitIsToldToWait) {
  JobQueue q(slow_runner);
  q.limits(0, 2);
  const auto a = q.submit(json::object(), "10.0.0.1");
  wait_for(q, a, "running");
  q.submit(json::object(), "10.0.0.1");  // queued behind a
  EXPECT_THROW(q.submit(json::object(), "10.0.0.1"), JobQueue::Busy);
  EXPECT_NO_THROW(q.submit(json::object(), "10.0.0.2")) << "another client has its own allowance";
}

TEST(JobLimits, ACancelledJobStillStoppingNoLongerCounts) {
  JobQueue q(slow_runner);
  q.limits(0, 2);
  const auto a = q.submit(json::object(), "10.0.0.1");
  wait_for(q, a, "running");
  const auto b = q.submit(json::object(), "10.0.0.1");
  EXPECT_THROW(q.submit(json::object(), "10.0.0.1"), JobQueue::Busy);
  ASSERT_TRUE(q.cancel(a));
  EXPECT_EQ(q.status(a)->at("state"), "running") << "still winding down";
  EXPECT_NO_THROW(q.submit(json::object(), "10.0.0.1"));
  q.cancel(b);
}

TEST(JobLimits, ASupersededWhatIfDoesNotBlockTheRunThatFollows) {
  JobQueue q(slow_runner);
  q.limits(0, 2);
  const auto w1 = q.submit(json::object(), "10.0.0.1", "whatif:tab");
  wait_for(q, w1, "running");
  const auto w2 = q.submit(json::object(), "10.0.0.1", "whatif:tab");  // cancels w1, which is still stopping
  EXPECT_EQ(q.status(w1)->at("state"), "running");
  EXPECT_NO_THROW(q.submit(json::object(), "10.0.0.1")) << "the run after the edit";
  q.cancel(w2);
}

TEST(JobLimits, AllClientsTogetherHaveALimitToo) {
  JobQueue q(slow_runner);
  q.limits(2, 0);
  const auto a = q.submit(json::object(), "10.0.0.1");
  q.submit(json::object(), "10.0.0.2");
  EXPECT_THROW(q.submit(json::object(), "10.0.0.3"), JobQueue::Busy);
  q.cancel(a);
}
