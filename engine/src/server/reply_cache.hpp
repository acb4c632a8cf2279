#pragma once
// Answers kept as bytes, bounded by bytes: the server's one cache, for GeoJSON
// layers (RunFolderReader) and the other answers (server.cpp) alike. Private to
// the server module.
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace tryggve::server {

// Answers kept as bytes, per request (the key) and the stamps of the files they
// were made from (file_stamp), so a stage that replaces a file is seen by the
// next request. Without it every request parsed situation.json (390 kB on the
// demo district) or opened a GeoPackage again. Bounded by bytes, the least
// recently used dropped first; an answer larger than the whole bound is not kept.
class ReplyCache {
 public:
  explicit ReplyCache(std::size_t limit) : limit_(limit) {}

  std::shared_ptr<const std::string> find(const std::string& key, const std::string& stamp) {
    std::lock_guard lock(mu_);
    const auto it = entries_.find(key);
    if (it == entries_.end() || it->second.stamp != stamp) return nullptr;
    order_.splice(order_.begin(), order_, it->second.pos);
    return it->second.body;
  }

  void keep(const std::string& key, const std::string& stamp, std::shared_ptr<const std::string> body) {
    const std::size_t cost = body->size();  // the answers' bytes: what the bound is about
    std::lock_guard lock(mu_);
    if (const auto it = entries_.find(key); it != entries_.end()) drop(it);
    if (cost > limit_) return;
    while (bytes_ + cost > limit_ && !order_.empty()) drop(entries_.find(order_.back()));
    order_.push_front(key);
    entries_.emplace(key, Entry{stamp, std::move(body), cost, order_.begin()});
    bytes_ += cost;
  }

  std::size_t bytes() const {
    std::lock_guard lock(mu_);
    return bytes_;
  }

  // The lock held while the answer for `key` is made: requests that find no
  // answer while another makes it wait for that one instead of making it again
  // (64 connections asking at once for a cold answer took seconds each).
  // Without room to keep anything, nothing is gated: nobody could use the answer made.
  std::shared_ptr<std::mutex> gate(const std::string& key) {
    if (limit_ == 0) return nullptr;
    std::lock_guard lock(mu_);
    if (gates_.size() > 1024) std::erase_if(gates_, [](const auto& g) { return g.second.expired(); });
    auto& g = gates_[key];
    auto m = g.lock();
    if (!m) g = m = std::make_shared<std::mutex>();
    return m;
  }

 private:
  struct Entry {
    std::string stamp;
    std::shared_ptr<const std::string> body;
    std::size_t cost = 0;
    std::list<std::string>::iterator pos;
  };
  void drop(std::map<std::string, Entry>::iterator it) {
    bytes_ -= it->second.cost;
    order_.erase(it->second.pos);
    entries_.erase(it);
  }
  const std::size_t limit_;
  mutable std::mutex mu_;
  std::map<std::string, Entry> entries_;
  std::list<std::string> order_;  // most recently used first
  std::size_t bytes_ = 0;
  std::map<std::string, std::weak_ptr<std::mutex>> gates_;  // keys being made now (and a few since)
};

}  // namespace tryggve::server
