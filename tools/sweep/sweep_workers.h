// Runs cells on a fuzzer's sweep workers (sweep_worker.h), several at once: each worker
// is handed the next cell as it finishes one. A cell that crashes a worker (or the cell
// runner it forked) is recorded with the verdict its output names (the crash undone in
// place, or a new runner forked, or a new worker started); one that hangs is recorded as
// a hang and its worker replaced; the other cells go on.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sweep_protocol.h"

namespace connfuzz::tools {

struct WorkerOptions {
  std::string binary;
  int jobs = 1;
  double cell_timeout_seconds = 10;  // real time a cell may take before it is a hang
  std::string scratch_dir;           // the workers' TMPDIR (what their targets leave there)
};

class SweepWorkers {
 public:
  explicit SweepWorkers(WorkerOptions options);
  ~SweepWorkers();  // the workers end once their cells do
  SweepWorkers(const SweepWorkers&) = delete;
  SweepWorkers& operator=(const SweepWorkers&) = delete;

  // The outcome of every cell, in the cells' order; on_done(i) as cell i ends. The same
  // workers serve every call. False when a SIGINT or SIGTERM stopped the run, or came
  // since the workers were made (the workers are gone then). Throws UsageError when a worker fails before its first cell.
  bool run(const std::vector<std::vector<std::uint8_t>>& cells, std::vector<fuzz::SweepOutcome>& outcomes,
           const std::function<void(std::size_t)>& on_done);

  // Which fuzzer the binary is, as its first worker says when it starts (the first line
  // a worker writes); empty when a SIGINT or SIGTERM came first. Call only for a binary
  // check_fuzzer_file passed. Throws UsageError when the worker ends, or says nothing of
  // the kind within the cell timeout.
  std::string family();

  // No more cells: the workers begin to end (the destructor waits for them); run() is
  // not to be called after it.
  void let_end() noexcept;
  // Whether a SIGINT or SIGTERM came since the workers were made.
  bool stop_asked() const noexcept;

  std::size_t started() const noexcept;   // workers started, at most --jobs
  std::size_t restarts() const noexcept;  // cell runners and workers replaced after a cell ended one
  std::size_t undone_in_place() const noexcept;  // crashes a worker (or runner) undid and lived through

 private:
  struct Pool;
  std::unique_ptr<Pool> pool_;
};

// The outcome of a cell that ended its runner, from what the runner printed after the
// cell's marker and how it ended (fuzzer_process.h reads the finding).
fuzz::SweepOutcome dead_cell_outcome(std::uint64_t id, const std::string& output, int wait_status, bool timed_out,
                                     double timeout_seconds);

}  // namespace connfuzz::tools
