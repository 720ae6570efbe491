// Follows every socket of one run through its calls, from socket() to close(), and
// notes what a correct caller never does: a connect again after a final failure, I/O
// before the connection exists, an attempt closed while it goes on, a bad descriptor,
// a malformed call the fault-free run never made, a failed socket kept open.
#pragma once

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "event_line.h"
#include "verdict.h"

namespace connfuzz::fuzz {

struct StoryOptions {
  // The (call, errno) pairs the kernel answered in the fault-free run: not a sign of
  // misuse when a cell's run gets them too. nullptr: no fault-free run to compare
  // with (a fuzz input, whose addresses are malformed on purpose): no misuse verdict.
  const std::set<std::pair<inject::Call, int>>* baseline_errors = nullptr;
  // The kernel's own errors are judged at all (not in the fault-free run itself).
  bool judge_kernel_errors = true;
  // The backend logs waits, SO_ERROR and getpeername: abandoned can be judged.
  bool sees_waits = true;
  // The plan is mode=any: a "still connecting" it made up may be one the kernel could
  // not give there (EINPROGRESS on a datagram socket); a caller cannot tell, so taking
  // it for a failure is clean, and closing that attempt is no abandoned one. The fuzz
  // inputs' engine sets it, as its outcome rule spares such failures; the matrix does
  // not (its still-connecting-failure holds in --mode any too).
  bool any_mode = false;
};

class SocketStory {
 public:
  explicit SocketStory(StoryOptions options) : options_(options) {}

  void see(const inject::EventLine& e);

  // Sockets whose connect failed and that the program still held while it went on
  // working (made another socket or connect), or at an exit with status 0: exit
  // closes the descriptors of a program that gives up, so those are no leak.
  void judge_leaks(bool exited_cleanly);
  std::vector<Finding> take_findings() { return std::move(findings_); }
  bool saw_connection() const noexcept { return saw_connection_; }

 private:
  struct Socket {
    enum class Phase { fresh, pending, connected, failed } phase = Phase::fresh;
    bool final_failure = false;      // refused or malformed, not out of resources: never connect it again
    bool went_on_after_failure = false;  // the program made another socket or connect while this one had failed
    std::string created_by;          // "socket#1"
    std::string failed_by;           // "connect#1 failed with ECONNREFUSED"
    bool made_up_pending = false;    // that "still connecting" was mode=any's, maybe impossible there
    bool said_pending = false;       // the last call on it was a connect that said "still connecting"
    unsigned long waits_before = 0;  // the process's waits until then
    unsigned long setup_failures_before = 0;  // the process's failed wait set-ups when it was made
  };
  // Per process: its waits so far (their lines name no socket), whether its last call
  // was a wait that said EINTR, and the faults that kept a wait from being set up.
  struct Waits {
    unsigned long count = 0;
    bool last_interrupted = false;
    unsigned interrupted_in_a_row = 0;
    unsigned long setup_failures = 0;
  };

  void on_close(const inject::EventLine& e, std::map<std::pair<long, int>, Socket>::iterator it, Waits& waits,
                bool wait_interrupted);
  void on_connect(const inject::EventLine& e, Socket& s);
  void on_io(const inject::EventLine& e, Socket& s);
  void note_work(const inject::EventLine& e);
  void connected(Socket& s);
  void failed(Socket& s, const inject::EventLine& e, bool final_failure);
  void check_kernel_error(const inject::EventLine& e);
  void add(Verdict verdict, std::string reason) { findings_.push_back({verdict, std::move(reason)}); }

  StoryOptions options_;
  std::map<std::pair<long, int>, Socket> sockets_;
  std::map<long, Waits> waits_;
  std::vector<Finding> findings_;
  bool saw_connection_ = false;
};

}  // namespace connfuzz::fuzz
