// The sweep's report as text, Markdown, JSON and HTML, and its saved findings.
#include "sweep_report.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <set>
#include <sstream>

#include "atomic_file.h"
#include "html_text.h"
#include "stable_text.h"
#include "usage_error.h"
#include "verdict.h"

namespace connfuzz::tools {
namespace {

namespace fs = std::filesystem;
using fuzz::Site;
using fuzz::SweepFinding;

const SweepFinding& worst(const SweepCell& c) { return c.outcome.findings.front(); }

// verdicts.def's order; a name it lacks (a dead worker's own words) after them.
int rank(const std::string& verdict) {
  auto v = fuzz::verdict_named(verdict);
  return v ? static_cast<int>(*v) : 1000;
}

using Groups = std::map<std::pair<int, std::string>, std::vector<std::size_t>>;

Groups by_verdict(const SweepResult& r) {
  Groups groups;
  for (std::size_t i = 0; i < r.cells.size(); ++i)
    if (!r.cells[i].ok()) groups[{rank(worst(r.cells[i]).verdict), worst(r.cells[i]).verdict}].push_back(i);
  return groups;
}

std::string summary_line(const SweepResult& r) {
  SweepTally t = tally_sweep(r);
  std::ostringstream s;
  s << r.cells.size() << " cells on " << r.seeds.size() << (r.seeds.size() == 1 ? " seed: " : " seeds: ") << t.ok << " ok, " << t.new_findings
    << " new findings, " << t.documented << " documented, " << t.refused << " not realistic in the target's state, "
    << t.unreached << " never reached";
  return s.str();
}

std::string title(const SweepResult& r) {
  return r.binary + " (" + r.family + ", depth " + std::to_string(r.depth) + (r.any_mode ? ", mode any" : "") + ")";
}

// The scenario's text as one $'...' word of bash.
std::string quoted_text(const fuzz::Scenario& s) {
  std::string out = "$'";
  for (char c : fuzz::to_text(s)) {
    if (c == '\n') out += "\\n";
    else if (c == '\\' || c == '\'') out += std::string("\\") + c;
    else out += c;
  }
  if (out.ends_with("\\n")) out.resize(out.size() - 2);
  return out + "'";
}

std::string repro(const SweepResult& r, const SavedFiles& saved, std::size_t i) {
  std::string run = "connfuzz repro --fuzzers " + fs::path(r.binary).parent_path().string() + " --target " + r.family + " ";
  if (auto file = saved.find(i); file != saved.end()) return run + file->second;
  return "connfuzz encode " + quoted_text(r.cells[i].scenario()) + " -o cell && " + run + "cell";
}

std::string where(const SweepResult& r, const SweepCell& c) {
  return "[" + r.seeds[c.seed] + "] " + std::string(kind_name(c.kind)) + " " + c.label;
}

std::string why(const SweepFinding& f) {
  return stable_text(f.reason) + (f.documented.empty() ? "" : " (documented: " + f.documented + ")");
}

std::string text_form(const SweepResult& r, const SavedFiles& saved) {
  std::ostringstream s;
  s << "connfuzz sweep: " << title(r) << "\n" << summary_line(r) << "\n";
  Groups groups = by_verdict(r);
  for (const auto& [key, cells] : groups) {
    s << "\n" << key.second << " (" << cells.size() << ")\n";
    for (std::size_t i : cells)
      s << "  " << where(r, r.cells[i]) << ": " << why(worst(r.cells[i])) << "\n      " << repro(r, saved, i) << "\n";
  }
  if (groups.empty()) s << "every cell ok\n";
  return s.str();
}

std::string markdown_form(const SweepResult& r, const SavedFiles& saved) {
  std::ostringstream s;
  s << "# connfuzz sweep: `" << title(r) << "`\n\n" << summary_line(r) << ".\n";
  for (const auto& [key, cells] : by_verdict(r)) {
    s << "\n## " << key.second << " (" << cells.size() << ")\n\n| seed | cell | why | reproduce |\n|---|---|---|---|\n";
    for (std::size_t i : cells)
      s << "| " << r.seeds[r.cells[i].seed] << " | " << kind_name(r.cells[i].kind) << " `" << r.cells[i].label << "` | "
        << why(worst(r.cells[i])) << " | `" << repro(r, saved, i) << "` |\n";
  }
  return s.str();
}

nlohmann::json rows_json(const std::vector<std::size_t>& rows) {
  nlohmann::json list = nlohmann::json::array();
  for (std::size_t index : rows) {
    const inject::ErrnoRow& row = inject::errno_rows()[index];
    const char* name = inject::errno_name(row.err);
    list.push_back({{"call", inject::call_name(row.call)}, {"errno", name ? name : std::to_string(row.err)}});
  }
  return list;
}

nlohmann::json cell_json(const SweepResult& r, const SavedFiles& saved, std::size_t i) {
  const SweepCell& c = r.cells[i];
  fuzz::Scenario scenario = c.scenario();
  nlohmann::json findings = nlohmann::json::array(), sites = nlohmann::json::array();
  for (const Site& site : c.outcome.sites) sites.push_back(fuzz::site_text(site));
  for (const SweepFinding& f : c.outcome.findings)
    findings.push_back({{"verdict", f.verdict}, {"documented", f.documented}, {"detail", stable_text(f.reason)}});
  nlohmann::json cell = {{"kind", kind_name(c.kind)},
                         {"seed", r.seeds[c.seed]},
                         {"label", c.label},
                         {"mode", fuzz::mode_name(scenario.mode)},
                         {"scenario", fuzz::to_text(scenario)},
                         {"fault", fuzz::reach_name(c.outcome.reach)},
                         {"verdict", c.ok() ? std::string("ok") : worst(c).verdict},
                         {"findings", findings},
                         {"sites", sites},
                         {"injected_rows", rows_json(c.outcome.injected)},
                         {"real_rows", rows_json(c.outcome.real)}};
  if (!c.ok()) cell["repro"] = repro(r, saved, i);
  return cell;
}

std::string json_form(const SweepResult& r, const SavedFiles& saved) {
  SweepTally t = tally_sweep(r);
  nlohmann::json cells = nlohmann::json::array();
  for (std::size_t i = 0; i < r.cells.size(); ++i) cells.push_back(cell_json(r, saved, i));
  nlohmann::json files = nlohmann::json::array();
  for (const auto& [i, file] : saved)
    files.push_back({{"file", file}, {"verdict", worst(r.cells[i]).verdict}, {"documented", worst(r.cells[i]).documented}});
  nlohmann::json out = {{"fuzzer", r.binary},
                        {"family", r.family},
                        {"depth", r.depth},
                        {"mode", r.any_mode ? "any" : "realistic"},
                        {"seeds", r.seeds},
                        {"summary",
                         {{"cells", r.cells.size()}, {"ok", t.ok}, {"new_findings", t.new_findings},
                          {"documented", t.documented}, {"not_realistic", t.refused}, {"never_reached", t.unreached}}},
                        {"saved", files},
                        {"cells", cells}};
  return out.dump(1) + "\n";
}

std::string html_form(const SweepResult& r, const SavedFiles& saved) {
  std::ostringstream h;
  h << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>connfuzz sweep</title><style>"
       "body{font-family:system-ui,sans-serif;margin:2em;max-width:90em}td,th{border:1px solid #ccc;padding:.3em .6em;"
       "text-align:left;vertical-align:top}table{border-collapse:collapse;margin-bottom:1.5em}code{font-size:.9em}"
       "h2{color:#a40000}</style></head><body>\n<h1>connfuzz sweep: <code>"
    << html_escaped(title(r)) << "</code></h1>\n<p>" << html_escaped(summary_line(r)) << ".</p>\n";
  Groups groups = by_verdict(r);
  for (const auto& [key, cells] : groups) {
    h << "<h2 id=\"" << html_escaped(key.second) << "\">" << html_escaped(key.second) << " (" << cells.size()
      << ")</h2>\n<table><tr><th>seed</th><th>cell</th><th>why</th><th>reproduce</th></tr>\n";
    for (std::size_t i : cells)
      h << "<tr><td>" << html_escaped(r.seeds[r.cells[i].seed]) << "</td><td>" << kind_name(r.cells[i].kind) << " <code>"
        << html_escaped(r.cells[i].label) << "</code></td><td>" << html_escaped(why(worst(r.cells[i]))) << "</td><td><code>"
        << html_escaped(repro(r, saved, i)) << "</code></td></tr>\n";
    h << "</table>\n";
  }
  if (groups.empty()) h << "<p>Every cell ok.</p>\n";
  h << "</body></html>\n";
  return h.str();
}

// What makes two findings the same one: where, which verdict, and the calls its faults
// struck (not their errnos: a leak after ECONNREFUSED is the leak after ETIMEDOUT).
std::string finding_key(const SweepCell& c) {
  fuzz::Scenario scenario = c.scenario();
  std::string key = std::string(fuzz::mode_name(scenario.mode)) + "|" + worst(c).verdict + "|" + worst(c).documented + "|";
  if (c.kind == CellKind::address) return key + "address";
  for (int i = 0; i < scenario.plan.rule_count; ++i) key += std::string(inject::call_name(scenario.plan.rules[i].call)) + " ";
  return key;
}

std::string file_word(std::string_view text) {
  std::string out;
  for (char c : text) out += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(c)) : '-';
  return out.substr(0, 60);
}

}  // namespace

SweepTally tally_sweep(const SweepResult& r) {
  SweepTally t;
  for (const SweepCell& c : r.cells) {
    bool planned = c.kind == CellKind::fault || c.kind == CellKind::pair;
    if (c.new_finding()) ++t.new_findings;
    else if (!c.ok()) ++t.documented;
    else if (planned && c.outcome.reach == fuzz::Reach::refused) ++t.refused;
    else if (planned && c.outcome.reach == fuzz::Reach::unreached) ++t.unreached;
    else ++t.ok;
  }
  return t;
}

SavedFiles save_findings(const SweepResult& r, const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (!fs::is_directory(dir, ec)) throw UsageError("sweep: --save '" + dir + "' is not a directory we can make");
  SavedFiles saved;
  std::set<std::string> keys, names;
  for (std::size_t i = 0; i < r.cells.size(); ++i) {
    const SweepCell& c = r.cells[i];
    if (c.ok() || !keys.insert(finding_key(c)).second) continue;
    fuzz::Scenario scenario = c.scenario();
    std::string name = worst(c).verdict + "-" + std::string(fuzz::mode_name(scenario.mode)) + "-" + file_word(c.label);
    std::string unique = name;
    for (int n = 2; !names.insert(unique).second; ++n) unique = name + "-" + std::to_string(n);
    fs::path path = fs::path(dir) / unique;
    std::vector<std::uint8_t> bytes = fuzz::encode_shortest(scenario);
    write_file_atomically(path.string(), {reinterpret_cast<const char*>(bytes.data()), bytes.size()});
    saved[i] = path.string();
  }
  return saved;
}

std::string format_sweep(const SweepResult& result, const SavedFiles& saved, std::string_view format) {
  if (format == "md") return markdown_form(result, saved);
  if (format == "json") return json_form(result, saved);
  if (format == "html") return html_form(result, saved);
  return text_form(result, saved);
}

}  // namespace connfuzz::tools
