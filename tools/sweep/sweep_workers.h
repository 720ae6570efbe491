// Runs cells on a fuzzer's sweep workers (sweep_worker.h), several at once: each worker
// is handed the next cell as it finishes one, and a worker that a cell killed or hung
// is recorded with that cell's verdict and replaced, resuming after it.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "sweep_protocol.h"

namespace connfuzz::tools {

struct WorkerOptions {
  std::string binary;
  int jobs = 1;
  double cell_timeout_seconds = 10;  // real time a cell may take before it is a hang
  std::string scratch_dir;           // the workers' TMPDIR (their listeners' sockets)
};

struct WorkerStats {
  std::size_t restarts = 0;  // workers replaced after a cell ended them
};

// The outcome of every cell, in the cells' order. on_done(i) is called as cell i ends.
// Returns false when a SIGINT or SIGTERM stopped the run (the workers are gone then).
// Throws UsageError when a worker fails before its first cell (its output says why).
bool run_sweep_cells(const WorkerOptions& options, const std::vector<std::vector<std::uint8_t>>& cells,
               std::vector<fuzz::SweepOutcome>& outcomes, WorkerStats& stats,
               const std::function<void(std::size_t)>& on_done);

// The outcome of a cell that ended its worker, from what the worker printed after the
// cell's marker and how it ended (fuzzer_process.h reads the finding).
fuzz::SweepOutcome dead_cell_outcome(std::uint64_t id, const std::string& output, int wait_status, bool timed_out,
                                     double timeout_seconds);

}  // namespace connfuzz::tools
