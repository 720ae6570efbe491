// `connfuzz errnos [CALL] [--json]`: the documented-errno table.
#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>

#include "commands.h"
#include "errno_table.h"

namespace connfuzz::tools {
namespace {

using namespace connfuzz::inject;

std::string known_calls() {
  std::string out;
  for (int i = 0; i < kCallCount; ++i) out.append(i ? ", " : "").append(call_name(static_cast<Call>(i)));
  return out;
}

void print_json(std::optional<Call> only) {
  nlohmann::json rows = nlohmann::json::array();
  for (const ErrnoRow& row : errno_rows()) {
    if (only && row.call != *only) continue;
    rows.push_back({{"call", call_name(row.call)},
                    {"errno", errno_name(row.err)},
                    {"number", row.err},
                    {"class", class_name(row.klass)},
                    {"sources", sources_text(row.sources)},
                    {"real_on_loopback", row.real_on_loopback},
                    {"realistic_when", when_text(row.when)}});
  }
  std::cout << rows.dump(2) << "\n";
}

void print_text(std::optional<Call> only) {
  std::printf("%-20s %-16s %-17s %-6s %-26s %s\n", "CALL", "ERRNO", "CLASS", "REAL", "REALISTIC WHEN", "SOURCES");
  int count = 0;
  for (const ErrnoRow& row : errno_rows()) {
    if (only && row.call != *only) continue;
    std::printf("%-20s %-16s %-17s %-6s %-26s %s\n", std::string(call_name(row.call)).c_str(), errno_name(row.err),
                std::string(class_name(row.klass)).c_str(), row.real_on_loopback ? "real" : "synth",
                when_text(row.when).c_str(), sources_text(row.sources).c_str());
    ++count;
  }
  std::printf("%d rows\n", count);
}

}  // namespace

void add_errnos_command(CLI::App& app, int& status) {
  auto* cmd = app.add_subcommand("errnos", "Print the documented-errno table, for one call or all");
  auto call = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  cmd->add_option("call", *call, "Only this call (e.g. connect, poll, getsockopt.SO_ERROR)");
  cmd->add_flag("--json", *json, "JSON instead of a text table");
  cmd->callback([call, json, &status] {
    std::optional<Call> only;
    if (!call->empty()) {
      only = call_from_name(*call);
      if (!only) throw UsageError("errnos: unknown call '" + *call + "'; the calls are: " + known_calls());
    }
    *json ? print_json(only) : print_text(only);
    status = 0;
  });
}

}  // namespace connfuzz::tools
