// A command's progress on stderr: one line redrawn on a terminal, a line per tenth in a log.
#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdio>
#include <string>

namespace connfuzz::tools {

class ProgressLine {
 public:
  // `what` starts every line: "connfuzz: matrix: ".
  ProgressLine(std::string what, std::size_t total) : what_(std::move(what)), total_(total), tty_(isatty(2)) {}
  void step(bool finding) {
    ++done_;
    not_ok_ += finding;
    if (tty_) std::fprintf(stderr, "\r%s%zu/%zu cells, %zu not ok", what_.c_str(), done_, total_, not_ok_);
    else if (done_ == total_ || done_ * 10 / total_ != (done_ - 1) * 10 / total_)
      std::fprintf(stderr, "%s%zu/%zu cells, %zu not ok\n", what_.c_str(), done_, total_, not_ok_);
    if (tty_ && done_ == total_) std::fprintf(stderr, "\n");
  }

 private:
  std::string what_;
  std::size_t total_, done_ = 0, not_ok_ = 0;
  bool tty_;
};

}  // namespace connfuzz::tools
