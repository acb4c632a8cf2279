#pragma once
// Progress and cancellation for the stages that take long (fit, simulate, plan):
// the CLI prints the steps, the server's jobs report them to the viewer and stop
// when the user cancels.
#include <functional>
#include <string>

namespace tryggve::pipeline {

struct RunControl {
  // Called at each step ("map", "fit", "simulate", "write") with the share of the
  // whole run done (0..1). May be called from the calling thread only.
  std::function<void(const std::string& step, double fraction)> progress;
  // Polled between steps and inside the Monte Carlo; true stops the run with
  // Error(Interrupted). Ctrl-C (Progress::request_cancel) also stops it.
  std::function<bool()> cancelled;
};

// Between steps: throws Error(Interrupted) naming `name` if the run was cancelled,
// else reports the step.
void step(const RunControl& control, const std::string& name, double fraction);

}  // namespace tryggve::pipeline
