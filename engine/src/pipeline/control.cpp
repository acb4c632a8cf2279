#include "tryggve/pipeline/control.hpp"

#include "tryggve/core/error.hpp"
#include "tryggve/core/progress.hpp"

namespace tryggve::pipeline {

void step(const RunControl& c, const std::string& name, double f) {
  if (c.cancelled && c.cancelled()) throw Error(ErrorCode::Interrupted, name, "cancelled");
  Progress::throw_if_cancelled();
  if (c.progress) c.progress(name, f);
}

}  // namespace tryggve::pipeline
