// `connfuzz sweep`: a fuzz target's fault-free runs on its seeds, then every single
// fault at every call they made (depth 1), every still-connecting fault paired with a
// later one on the same attempt (depth 2), and the malformed addresses; each cell run
// in-process by the fuzzer itself and judged by the one verdict engine.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "scenario.h"
#include "sweep_protocol.h"

namespace connfuzz::tools {

struct SweepOptions {
  std::string fuzzer;  // the binary
  int depth = 1;
  int jobs = 1;
  bool any_mode = false;  // also the faults the kernel could not return in the socket's state
  std::string corpus;     // holds <family>/ with the seeds ("": the source tree's corpus/)
  double cell_timeout_seconds = 10;
  bool progress = true;   // a progress line on stderr
};

enum class CellKind { fault_free, fault, pair, address };

struct SweepCell {
  CellKind kind = CellKind::fault;
  std::size_t seed = 0;             // SweepResult::seeds
  std::vector<std::uint8_t> input;  // the scenario as the fuzzer reads it (a plan is 1.5 KB unencoded)
  std::string label;                // the plan, or the malformed address
  fuzz::SweepOutcome outcome;

  fuzz::Scenario scenario() const { return fuzz::decode(input); }
  bool ok() const noexcept { return outcome.findings.empty(); }
  bool new_finding() const noexcept;  // a finding docs/FINDINGS.md does not document
};

struct SweepResult {
  std::string binary, family;
  int depth = 1;
  bool any_mode = false;
  std::vector<std::string> seeds;  // each base's name: its seed file, or "default <mode>"
  std::vector<SweepCell> cells;    // in the order they were enumerated
  std::size_t restarts = 0;        // workers replaced after a cell ended one
  std::size_t undone = 0;          // crashes undone in place by the worker (or runner) they struck
  std::size_t workers = 0;         // workers started (--jobs at most: another only when it pays)
  double seconds = 0;
  struct Phase {
    std::string name;  // "fault-free runs", "depth 1", "depth 2"
    std::size_t cells = 0;
    double seconds = 0;
  };
  std::vector<Phase> phases;
  bool interrupted = false;
};

// Throws UsageError for a binary that is no connfuzz fuzzer, a bad seed, or a target
// whose fault-free run dies on every seed.
SweepResult run_sweep(const SweepOptions& options);
// The same, handing the result to `use` while the workers end (each removes its
// harness's directory as it exits, and the process's end takes a while more): a report
// is written meanwhile, not after. Returns what `use` returns.
int run_sweep(const SweepOptions& options, const std::function<int(SweepResult&)>& use);

std::string_view kind_name(CellKind kind) noexcept;  // "fault-free", "fault", "pair", "address"

}  // namespace connfuzz::tools
