// Markdown, JSON and SARIF forms of the coverage report (the HTML page: report_html.cc).
#include "report_formats.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "report_totals.h"

namespace connfuzz::tools {
namespace {

using nlohmann::json;

std::string ratio(int part, int whole) { return std::to_string(part) + "/" + std::to_string(whole); }

// The inputs that found something, once each: the findings section of every form.
std::vector<const InputResult*> findings_of(const Coverage& coverage) {
  std::vector<const InputResult*> out;
  for (const InputResult& input : coverage.inputs)
    if (input.outcome >= Outcome::documented) out.push_back(&input);
  return out;
}

}  // namespace

std::string report_markdown(const Coverage& coverage) {
  Totals totals = totals_of(coverage);
  auto rows = inject::errno_rows();
  std::ostringstream md;
  md << "# connfuzz errno coverage\n\n"
     << totals.inputs << " inputs replayed; " << totals.inputs_with_findings << " found something ("
     << totals.inputs_new << " not documented).\n\n"
     << "A row of the errno table is *exercised* on a target when an input made the call fail\n"
     << "with that errno (injected by the plan, or answered by the kernel), *handled* when no\n"
     << "such input broke an oracle. Cells: " << cell_symbol(Outcome::handled) << " handled, "
     << cell_symbol(Outcome::documented) << " documented finding (docs/FINDINGS.md), " << cell_symbol(Outcome::found)
     << " new finding, " << cell_symbol(Outcome::untested) << " not exercised.\n\n";

  md << "## Per target\n\n| target | fuzzer | connect() rows exercised | handled | all rows exercised | handled | documented | new |\n"
     << "|---|---|---|---|---|---|---|---|\n";
  for (std::size_t t = 0; t < coverage.targets.size(); ++t) {
    const TargetTotals& tt = totals.targets[t];
    md << "| " << coverage.targets[t] << " | " << coverage.target_fuzzer[t] << " | "
       << ratio(tt.connect.exercised, tt.connect.rows) << " | " << tt.connect.handled << " | "
       << ratio(tt.all.exercised, tt.all.rows) << " | " << tt.all.handled << " | " << tt.all.documented << " | "
       << tt.all.found << " |\n";
  }
  md << "\n## Per errno class (cells over every target)\n\n| class | exercised | handled | documented | new |\n"
     << "|---|---|---|---|---|\n";
  for (int k = 0; k < inject::kErrnoClassCount; ++k) {
    const Tally& c = totals.classes[static_cast<std::size_t>(k)];
    md << "| " << inject::class_name(static_cast<inject::ErrnoClass>(k)) << " | " << ratio(c.exercised, c.rows) << " | "
       << c.handled << " | " << c.documented << " | " << c.found << " |\n";
  }

  md << "\n## Row by row\n\nTargets: ";
  for (std::size_t t = 0; t < coverage.targets.size(); ++t)
    md << (t ? ", " : "") << "T" << t + 1 << " " << coverage.targets[t];
  md << ".\n\n| call | errno | class |";
  for (std::size_t t = 0; t < coverage.targets.size(); ++t) md << " T" << t + 1 << " |";
  md << "\n|---|---|---|";
  for (std::size_t t = 0; t < coverage.targets.size(); ++t) md << ":-:|";
  md << "\n";
  for (std::size_t r = 0; r < rows.size(); ++r) {
    md << "| " << inject::call_name(rows[r].call) << " | " << inject::errno_name(rows[r].err) << " | "
       << inject::class_name(rows[r].klass) << " |";
    for (std::size_t t = 0; t < coverage.targets.size(); ++t) md << " " << cell_symbol(coverage.cells[t][r].outcome) << " |";
    md << "\n";
  }

  md << "\n## Findings\n\n";
  auto found = findings_of(coverage);
  if (found.empty()) md << "None.\n";
  for (const InputResult* f : found)
    md << "- **" << f->signature << "** in " << f->target << " ("
       << (f->documented_as.empty() ? "NEW" : "documented: " + f->documented_as) << "): `connfuzz repro " << f->file
       << "`\n";
  return md.str();
}

std::string report_json(const Coverage& coverage) {
  Totals totals = totals_of(coverage);
  auto rows = inject::errno_rows();
  json out;
  out["inputs"] = totals.inputs;
  out["inputs_with_findings"] = totals.inputs_with_findings;
  out["inputs_new_findings"] = totals.inputs_new;
  auto tally_json = [](const Tally& t) {
    return json{{"rows", t.rows}, {"exercised", t.exercised}, {"handled", t.handled},
                {"documented", t.documented}, {"new", t.found}};
  };
  out["rows"] = json::array();
  for (const auto& row : rows)
    out["rows"].push_back({{"call", inject::call_name(row.call)}, {"errno", inject::errno_name(row.err)},
                           {"number", row.err}, {"class", inject::class_name(row.klass)}});
  out["targets"] = json::array();
  for (std::size_t t = 0; t < coverage.targets.size(); ++t) {
    json cells = json::array();
    for (std::size_t r = 0; r < rows.size(); ++r) {
      const Cell& cell = coverage.cells[t][r];
      json findings = json::array();
      for (std::size_t i : cell.findings) findings.push_back(coverage.inputs[i].file);
      cells.push_back({{"call", inject::call_name(rows[r].call)}, {"errno", inject::errno_name(rows[r].err)},
                       {"outcome", outcome_name(cell.outcome)}, {"injected", cell.injected}, {"real", cell.real},
                       {"findings", findings}});
    }
    out["targets"].push_back({{"target", coverage.targets[t]}, {"fuzzer", coverage.target_fuzzer[t]},
                              {"connect", tally_json(totals.targets[t].connect)},
                              {"all", tally_json(totals.targets[t].all)}, {"cells", cells}});
  }
  out["classes"] = json::object();
  for (int k = 0; k < inject::kErrnoClassCount; ++k)
    out["classes"][std::string(inject::class_name(static_cast<inject::ErrnoClass>(k)))] =
        tally_json(totals.classes[static_cast<std::size_t>(k)]);
  out["findings"] = json::array();
  for (const InputResult* f : findings_of(coverage))
    out["findings"].push_back({{"file", f->file}, {"fuzzer", f->fuzzer}, {"target", f->target},
                               {"signature", f->signature}, {"summary", f->summary},
                               {"documented_as", f->documented_as}});
  return out.dump(2) + "\n";
}

namespace {

// A SARIF location: repository-relative (uriBaseId SRCROOT, the directory the report is
// made in) when the file is under it, as code scanning expects; absolute otherwise.
json sarif_location(const std::string& file, int line, const std::string& root) {
  json artifact;
  if (file.rfind(root, 0) == 0) artifact = {{"uri", file.substr(root.size())}, {"uriBaseId", "SRCROOT"}};
  else if (!file.empty() && file[0] != '/') artifact = {{"uri", file}, {"uriBaseId", "SRCROOT"}};
  else artifact = {{"uri", "file://" + file}};
  json physical = {{"artifactLocation", artifact}};
  if (line > 0) physical["region"] = {{"startLine", line}};
  return {{"physicalLocation", physical}};
}

}  // namespace

std::string report_sarif(const Coverage& coverage) {
  std::error_code ec;
  const std::string root = std::filesystem::current_path(ec).string() + "/";
  json rules = json::array();
  std::vector<std::string> rule_ids;
  json results = json::array();
  for (const InputResult* f : findings_of(coverage)) {
    auto at = std::find(rule_ids.begin(), rule_ids.end(), f->signature);
    if (at == rule_ids.end()) {
      rule_ids.push_back(f->signature);
      rules.push_back({{"id", f->signature}, {"shortDescription", {{"text", f->signature}}}});
      at = rule_ids.end() - 1;
    }
    std::string text = f->summary + " (target " + f->target + "; replay: connfuzz repro " + f->file + ")";
    if (!f->documented_as.empty()) text += "; documented in docs/FINDINGS.md as " + f->documented_as;
    // In the target's code when the stack or the target's entry says where; else the input.
    json where = f->location_file.empty() ? sarif_location(f->file, 0, root)
                                          : sarif_location(f->location_file, f->location_line, root);
    results.push_back(
        {{"ruleId", f->signature},
         {"ruleIndex", at - rule_ids.begin()},
         {"level", f->documented_as.empty() ? "error" : "note"},
         {"message", {{"text", text}}},
         {"locations", json::array({where})},
         {"relatedLocations", json::array({sarif_location(f->file, 0, root)})},
         {"properties", {{"fuzzer", f->fuzzer}, {"target", f->target}, {"documentedAs", f->documented_as}}}});
  }
  json sarif = {
      {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
      {"version", "2.1.0"},
      {"runs", json::array({{{"tool", {{"driver", {{"name", "connfuzz"}, {"version", "0.1.0"}, {"rules", rules}}}}},
                             {"originalUriBaseIds", {{"SRCROOT", {{"uri", "file://" + root}}}}},
                             {"results", results}}})}};
  return sarif.dump(2) + "\n";
}

}  // namespace connfuzz::tools
