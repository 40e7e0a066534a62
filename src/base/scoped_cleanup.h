// ScopedCleanup: runs a callable when the scope ends unless dismissed.
#pragma once

#include <utility>

namespace vsb {

template <class F>
class ScopedCleanup {
 public:
  explicit ScopedCleanup(F f) : f_(std::move(f)) {}
  ScopedCleanup(const ScopedCleanup&) = delete;
  ScopedCleanup& operator=(const ScopedCleanup&) = delete;
  ~ScopedCleanup() {
    if (armed_) f_();
  }
  void Dismiss() { armed_ = false; }

 private:
  F f_;
  bool armed_ = true;
};

}  // namespace vsb
