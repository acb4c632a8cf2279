#include "tryggve/core/reject.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace tryggve {

const char* to_string(RejectReason r) {
  switch (r) {
    case RejectReason::BadCoordinate: return "bad coordinate";
    case RejectReason::OutsideMap: return "outside map";
    case RejectReason::TooFarFromStreet: return "too far from any street";
    case RejectReason::BadTime: return "bad time";
    case RejectReason::UnknownCategory: return "unknown category";
    case RejectReason::Duplicate: return "duplicate report";
    case RejectReason::BadGeometry: return "bad geometry";
    case RejectReason::OutsideWindow: return "outside time window";
    case RejectReason::BadValue: return "bad value";
    case RejectReason::UnknownAddress: return "unknown address";
    case RejectReason::UnknownReference: return "unknown reference";
    case RejectReason::OutOfOrder: return "out of order";
    case RejectReason::NotInService: return "not in service";
  }
  return "?";
}

void RejectLog::add(Reject r) {
  std::lock_guard lock(mu_);
  items_.push_back(std::move(r));
}

std::map<RejectReason, std::size_t> RejectLog::counts() const {
  std::lock_guard lock(mu_);
  std::map<RejectReason, std::size_t> c;
  for (const auto& r : items_) ++c[r.reason];
  return c;
}

std::string RejectLog::summary() const {
  const auto c = counts();
  if (c.empty()) return {};
  std::size_t total = 0;
  std::string parts;
  for (const auto& [reason, n] : c) {
    total += n;
    if (!parts.empty()) parts += ", ";
    parts += fmt::format("{} {}", n, to_string(reason));
  }
  return fmt::format("{} rejected: {}", total, parts);
}

void RejectLog::sort() {
  std::lock_guard lock(mu_);
  std::stable_sort(items_.begin(), items_.end(), [](const Reject& a, const Reject& b) {
    if (a.file != b.file) return a.file < b.file;
    if (a.source_row != b.source_row) return a.source_row < b.source_row;
    return a.reason < b.reason;
  });
}

}  // namespace tryggve
