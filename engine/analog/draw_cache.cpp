#include "engine/analog/draw_cache.h"

namespace aimc {

std::shared_ptr<const DrawCache::Draws> DrawCache::get(const std::string& key,
                                                       const std::function<Draws()>& fill) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = entries_.find(key);
    if (it != entries_.end()) return it->second;
  }
  // Filled outside the lock: two threads may both fill a new key, with the
  // same values (draws are pure functions of their keys); one is kept.
  auto made = std::make_shared<const Draws>(fill());
  std::lock_guard<std::mutex> lock(mutex_);
  return entries_.emplace(key, std::move(made)).first->second;
}

void DrawCache::clear() {
  std::lock_guard<std::mutex> lock(mutex_);
  entries_.clear();
}

std::size_t DrawCache::entries() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return entries_.size();
}

}  // namespace aimc
