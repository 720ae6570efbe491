// `connfuzz fuzzers [--kind real|example] [--json]`: the connect fuzzers modes.def defines, for scripts to derive their lists from:
// "NAME real", or "NAME example BUG FAULTS" (the verdict the example's bug is found by, and 1 or 2 faults it needs).
#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>

#include "commands.h"
#include "scenario.h"

namespace connfuzz::tools {
namespace {

struct FuzzerInfo {
  std::string name;  // the binary is <name>_fuzzer
  std::string bug;   // the verdict an example is found by; "" for a real fuzzer
  int faults = 0;    // how many faults that bug needs: 2 = a pair, found by the depth-2 sweep
  std::size_t modes = 0;
};

std::vector<FuzzerInfo> connect_fuzzers() {
  std::vector<FuzzerInfo> out;
  for (std::string_view family : fuzz::families()) {
    FuzzerInfo info{std::string(family), "", 0, 0};
    for (fuzz::Mode mode : fuzz::family_modes(family)) {
      ++info.modes;
      if (std::string bug = fuzz::mode_bug(mode); !bug.empty()) {
        info.bug = bug;
        info.faults = fuzz::mode_bug_faults(mode);
      }
    }
    out.push_back(std::move(info));
  }
  return out;
}

}  // namespace

void add_fuzzers_command(CLI::App& app, int& status) {
  auto* cmd = app.add_subcommand("fuzzers", "List the connect fuzzers (fuzz/modes.def): real ones, and examples with the verdict each bug is found by and how many faults it needs");
  auto kind = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  cmd->add_option("--kind", *kind, "Only 'real' or only 'example' fuzzers");
  cmd->add_flag("--json", *json, "JSON instead of one line per fuzzer");
  cmd->callback([kind, json, &status] {
    if (!kind->empty() && *kind != "real" && *kind != "example")
      throw UsageError("fuzzers: --kind '" + *kind + "': expected real or example");
    nlohmann::json rows = nlohmann::json::array();
    for (const FuzzerInfo& f : connect_fuzzers()) {
      std::string_view what = f.bug.empty() ? "real" : "example";
      if (!kind->empty() && *kind != what) continue;
      if (*json)
        rows.push_back({{"fuzzer", f.name}, {"kind", what}, {"bug", f.bug}, {"faults", f.faults}, {"modes", f.modes}});
      else if (f.bug.empty())
        std::printf("%s %.*s\n", f.name.c_str(), static_cast<int>(what.size()), what.data());
      else
        std::printf("%s %.*s %s %d\n", f.name.c_str(), static_cast<int>(what.size()), what.data(), f.bug.c_str(), f.faults);
    }
    if (*json) std::cout << rows.dump(2) << "\n";
    status = 0;
  });
}

}  // namespace connfuzz::tools
