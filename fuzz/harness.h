// Runs one scenario against its target under its plan, checks the oracles, and keeps
// the counts a fuzz run reports. One harness per process (the injector is process-wide).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "listeners.h"
#include "known_findings.h"
#include "oracles.h"
#include "registry.h"
#include "scenario.h"

namespace connfuzz::fuzz {

struct RunStats {
  std::uint64_t executions = 0;
  std::uint64_t findings = 0;        // inputs that broke an oracle
  std::uint64_t known_findings = 0;  // of those, documented in FINDINGS.md
  // Inputs that handed a connect to the kernel (a real handshake, refusal or error);
  // the rest were answered by the plan alone, or failed before any connect.
  std::uint64_t kernel_inputs = 0;
  std::uint32_t classes = 0;         // bit per ErrnoClass of a fault that fired
  std::vector<bool> rows_fired;      // per row of the errno table: a fault that fired
};

// What the verdict engine said of one input: every finding, each with the FINDINGS.md
// section that documents it ("" when none does).
struct InputVerdict {
  std::vector<Finding> findings;
  std::vector<std::string> documented_as;  // one per finding
  std::string calls;                       // the event log, one line per call
  bool any() const noexcept { return !findings.empty(); }
  bool all_documented() const noexcept;
};

class Harness {
 public:
  // Once per process: the private network namespace where allowed, the peers, the guard.
  void initialize(std::string_view family);
  // Runs the scenario (already for_family) and returns what the oracles say.
  InputVerdict run(const Scenario& scenario);
  const RunStats& stats() const noexcept { return stats_; }
  const std::string& family() const noexcept { return family_; }
  const std::string& network_note() const noexcept { return network_note_; }
  const Listeners& listeners() const noexcept { return listeners_; }
  // Writes the stats as JSON to $CONNFUZZ_STATS, if set: what the main job's summary reads.
  void write_stats() const;
  // What the process leaves behind at a normal exit: nothing in /tmp.
  void remove_temporary_files() noexcept { listeners_.remove_directory(); }

  // The finding contract: an ERROR: line per finding (the undocumented first), the
  // scenario, the calls, SUMMARY: naming the first, to stderr.
  static std::string report(const InputVerdict& verdict, const Scenario& scenario);

 private:
  void count(const InputVerdict& verdict, bool kernel_reached);  // and every 4096 inputs, write_stats()
  void count_rows_fired(std::span<const inject::Event* const> events);
  void check_next_call_returns(const RegisteredTarget& target, const connfuzz::Request& request,
                               InputVerdict& verdict);
  std::string family_;
  std::string network_note_;
  Listeners listeners_;
  RunStats stats_;
};

Harness& harness() noexcept;

// The calls the engine reads: the log since the last reset.
std::vector<const inject::Event*> logged_events();

// How many addresses a target that tries every one must try: all it was given but
// AF_UNSPEC ones, which are no destination (a careful caller refuses them unseen).
std::size_t addresses_to_try(const Scenario& scenario) noexcept;

// What LLVMFuzzerInitialize does (fuzzer_entry.h).
void initialize_fuzzer(const char* family);
// The body of every <name>_fuzzer: decode, run, abort with the report on a finding.
int fuzz_one_input(std::string_view family, const std::uint8_t* data, std::size_t size);

// Every call an input may make; more is the "spin" finding (the engine's one budget rule).
inline constexpr std::uint32_t kCallBudget = static_cast<std::uint32_t>(call_budget(0));

}  // namespace connfuzz::fuzz
