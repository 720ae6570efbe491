// The greedy minimizing walk and the text written beside a minimized input.
#include "minimizer.h"

#include <stdexcept>

#include "fuzzer_process.h"
#include "scenario.h"
#include "scenario_shrink.h"

namespace connfuzz::tools {

Minimized minimize_finding(const std::string& binary, const std::string& fuzzer, const std::vector<std::uint8_t>& input,
                           const std::string& signature, double timeout_seconds, int max_runs) {
  Minimized out;
  out.runs = 1;  // the replay that gave `signature`
  auto fires = [&](const std::vector<std::uint8_t>& bytes) {
    ++out.runs;
    return run_fuzzer(binary, bytes, timeout_seconds).signature == signature;
  };
  // The walk is over what the fuzzer runs: the scenario for its family.
  fuzz::Scenario best = fuzz::for_family(fuzz::decode(input), fuzzer);
  bool progress = true;
  while (progress && out.runs < max_runs) {
    progress = false;
    for (const fuzz::Scenario& candidate : fuzz::simpler_scenarios(best)) {
      if (out.runs >= max_runs) break;
      std::vector<std::uint8_t> bytes;
      try {
        bytes = fuzz::encode_shortest(candidate);
      } catch (const std::invalid_argument&) {
        continue;  // a simplification the byte form cannot hold
      }
      if (!fires(bytes)) continue;
      best = candidate;
      progress = true;
      break;  // the list of steps is for the new scenario
    }
  }
  out.stopped = out.runs >= max_runs;
  // Never larger than what came in: a fuzzer's short file can stand for a scenario
  // whose canonical bytes are longer (missing bytes read as zero).
  out.bytes = input;
  if (auto shortest = fuzz::encode_shortest(best); shortest.size() <= input.size() && fires(shortest))
    out.bytes = std::move(shortest);
  return out;
}

std::string minimized_text(const std::string& fuzzer, const std::string& signature, const std::vector<std::uint8_t>& bytes) {
  return "# fuzzer: " + fuzzer + "\n# finding: " + signature + "\n" + fuzz::to_text(fuzz::for_family(fuzz::decode(bytes), fuzzer));
}

}  // namespace connfuzz::tools
