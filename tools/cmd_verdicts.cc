// `connfuzz verdicts [--json]`: the table of verdicts, worst first, with the rule each enforces.
#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>
#include <string>

#include "commands.h"
#include "known_findings.h"
#include "verdict.h"

namespace connfuzz::tools {
namespace {

using fuzz::VerdictRow;

// The documented findings that may silence a verdict: FINDINGS.md's sections.
std::string documented_for(fuzz::Verdict verdict) {
  std::string out;
  for (const fuzz::KnownFinding& k : fuzz::known_findings()) {
    if (!(k.verdicts & (std::uint64_t{1} << static_cast<int>(verdict)))) continue;
    if (out.find(k.section) != std::string::npos) continue;
    out.append(out.empty() ? "" : ", ").append(k.section);
  }
  return out;
}

void print_json() {
  nlohmann::json rows = nlohmann::json::array();
  for (const VerdictRow& row : fuzz::verdict_rows())
    rows.push_back({{"verdict", row.name}, {"meaning", row.meaning}, {"rule", row.rule},
                    {"documented_findings", documented_for(row.verdict)}});
  std::cout << rows.dump(2) << "\n";
}

void print_text() {
  for (const VerdictRow& row : fuzz::verdict_rows()) {
    std::printf("%-25s %s\n", std::string(row.name).c_str(), std::string(row.meaning).c_str());
    std::printf("%-25s   rule: %s\n", "", std::string(row.rule).c_str());
    std::string documented = documented_for(row.verdict);
    if (!documented.empty()) std::printf("%-25s   documented findings (docs/FINDINGS.md): %s\n", "", documented.c_str());
  }
  std::printf("%zu verdicts, worst first\n", fuzz::verdict_rows().size());
}

}  // namespace

void add_verdicts_command(CLI::App& app, int& status) {
  auto* cmd = app.add_subcommand("verdicts", "Print the table of verdicts: name, meaning, the rule it enforces");
  auto json = std::make_shared<bool>(false);
  cmd->add_flag("--json", *json, "JSON instead of text");
  cmd->callback([json, &status] {
    *json ? print_json() : print_text();
    status = 0;
  });
}

}  // namespace connfuzz::tools
