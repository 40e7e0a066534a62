// ByteQueue: bytes read from one side of a relay and not yet written to the
// other. Fixed capacity, so a side that stops reading applies backpressure
// (the relay stops reading the other side) instead of growing memory.
#pragma once

#include <cstddef>
#include <cstring>
#include <memory>
#include <span>

namespace vsb::io {

class ByteQueue {
 public:
  explicit ByteQueue(size_t capacity)
      : data_(std::make_unique<char[]>(capacity)), capacity_(capacity) {}

  bool empty() const { return head_ == tail_; }
  bool HasRoom() const { return tail_ - head_ < capacity_; }

  // Free space at the end, after moving pending bytes to the front if needed.
  std::span<char> Room() {
    if (tail_ == capacity_ && head_ > 0) {
      std::memmove(data_.get(), data_.get() + head_, tail_ - head_);
      tail_ -= head_;
      head_ = 0;
    }
    return {data_.get() + tail_, capacity_ - tail_};
  }
  void Commit(size_t n) { tail_ += n; }

  std::span<const char> Pending() const { return {data_.get() + head_, tail_ - head_}; }
  void Consume(size_t n) {
    head_ += n;
    if (head_ == tail_) head_ = tail_ = 0;
  }
  void Clear() { head_ = tail_ = 0; }

 private:
  std::unique_ptr<char[]> data_;
  size_t capacity_;
  size_t head_ = 0;
  size_t tail_ = 0;
};

}  // namespace vsb::io
