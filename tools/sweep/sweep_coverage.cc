// The sweep's cells (sweep_report.cc's JSON) as coverage inputs.
#include "sweep_coverage.h"

#include <nlohmann/json.hpp>

#include "errno_table.h"
#include "finding_file.h"
#include "usage_error.h"

namespace connfuzz::tools {
namespace {

using nlohmann::json;

// {"call": "connect", "errno": "EINTR"} -> the row's index in the table.
std::vector<std::size_t> rows_of(const json& list) {
  std::vector<std::size_t> rows;
  for (const json& r : list) {
    auto call = inject::call_from_name(r.at("call").get<std::string>());
    auto err = inject::errno_from_text(r.at("errno").get<std::string>());
    const inject::ErrnoRow* row = call && err ? inject::find_row(*call, *err) : nullptr;
    if (row != nullptr) rows.push_back(static_cast<std::size_t>(row - inject::errno_rows().data()));
  }
  return rows;
}

InputResult input_of(const std::string& path, const std::string& family, std::size_t index, const json& cell) {
  InputResult input;
  input.file = path + "#" + std::to_string(index);
  input.fuzzer = family;
  input.target = cell.at("mode").get<std::string>();
  input.injected_rows = rows_of(cell.at("injected_rows"));
  input.real_rows = rows_of(cell.at("real_rows"));
  const json& findings = cell.at("findings");
  if (findings.empty()) return input;
  const json& first = findings.front();
  input.signature = "connfuzz: " + first.at("verdict").get<std::string>();
  input.summary = first.at("detail").get<std::string>();
  input.documented_as = first.at("documented").get<std::string>();
  input.outcome = input.documented_as.empty() ? Outcome::found : Outcome::documented;
  return input;
}

}  // namespace

void add_sweep_inputs(const std::string& path, bool with_examples, std::vector<InputResult>& inputs) {
  try {
    json report = json::parse(read_user_file(path));
    std::string family = report.at("family").get<std::string>();
    if (family.starts_with("example_") && !with_examples) return;
    const json& cells = report.at("cells");
    for (std::size_t i = 0; i < cells.size(); ++i) inputs.push_back(input_of(path, family, i, cells[i]));
  } catch (const json::exception& e) {
    throw UsageError("report: --sweep " + path + ": not the JSON report of connfuzz sweep (" + e.what() + ")");
  }
}

}  // namespace connfuzz::tools
