// The matrix report as text, Markdown, JSON and HTML.
#include "matrix_report.h"

#include <nlohmann/json.hpp>

#include <map>
#include <sstream>

#include "html_text.h"

namespace connfuzz::tools {
namespace {

std::string shell_quoted(const std::string& word) {
  if (!word.empty() && word.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@%+=:,./_-") ==
                           std::string::npos)
    return word;
  std::string out = "'";
  for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

struct Tally {
  int ran = 0, refused = 0, unreached = 0;
  std::map<Verdict, std::vector<const CellResult*>> by_verdict;
};

Tally tally(const MatrixReport& r) {
  Tally t;
  for (const CellResult& c : r.cells) {
    if (!c.judgement.ok()) t.by_verdict[c.judgement.worst()].push_back(&c);
    else if (c.judgement.reach == Reach::refused) ++t.refused;
    else if (c.judgement.reach == Reach::unreached) ++t.unreached;
    else ++t.ran;
  }
  return t;
}

std::string summary_line(const MatrixReport& r, const Tally& t) {
  std::ostringstream s;
  s << r.cells.size() << " cells: " << t.ran << " ok, " << r.not_ok() - (r.clean.findings.empty() ? 0 : 1)
    << " not ok, " << t.refused << " not realistic in the program's state, " << t.unreached << " never reached";
  return s.str();
}

std::string program_text(const MatrixReport& r) {
  std::string out;
  for (const std::string& word : r.command) out += (out.empty() ? "" : " ") + shell_quoted(word);
  return out;
}

// The cells of --actions, each a row of its own whatever its verdict.
std::vector<const CellResult*> action_cells(const MatrixReport& r) {
  std::vector<const CellResult*> cells;
  for (const CellResult& c : r.cells)
    if (c.cell.action != inject::Action::errno_value) cells.push_back(&c);
  return cells;
}

std::string reach_or_verdict(const CellResult& c) {
  if (!c.judgement.ok()) return std::string(c.judgement.verdict_text());
  if (c.judgement.reach == Reach::refused) return "not realistic";
  if (c.judgement.reach == Reach::unreached) return "never reached";
  return "ok";
}

std::string action_detail(const CellResult& c) {
  return c.judgement.findings.empty() ? "" : c.judgement.findings.front().reason;
}

std::string text_form(const MatrixReport& r) {
  Tally t = tally(r);
  std::ostringstream s;
  s << "connfuzz matrix: " << program_text(r) << "\n" << summary_line(r, t) << "\n";
  if (!r.clean.findings.empty()) {
    s << "\nthe fault-free run itself (exit " << r.clean_exit_status << "):\n";
    for (const Finding& f : r.clean.findings) s << "  " << verdict_name(f.verdict) << ": " << f.reason << "\n";
  }
  for (const auto& [verdict, cells] : t.by_verdict) {
    s << "\n" << verdict_name(verdict) << " (" << cells.size() << ")\n";
    for (const CellResult* c : cells) {
      s << "  " << c->cell.plan << "  exit " << c->exit_status << ": " << c->judgement.findings.front().reason << "\n";
      s << "      " << r.repro(c->cell.plan) << "\n";
    }
  }
  if (t.by_verdict.empty() && r.clean.findings.empty()) s << "every cell ok\n";
  if (auto actions = action_cells(r); !actions.empty()) {
    s << "\nactions (" << actions.size() << ")\n";
    for (const CellResult* c : actions) {
      s << "  " << reach_or_verdict(*c) << "  " << c->cell.plan << "  exit " << c->exit_status;
      if (std::string detail = action_detail(*c); !detail.empty()) s << ": " << detail;
      s << "\n";
    }
  }
  return s.str();
}

std::string markdown_form(const MatrixReport& r) {
  Tally t = tally(r);
  std::ostringstream s;
  s << "# connfuzz matrix: `" << program_text(r) << "`\n\n" << summary_line(r, t) << ".\n";
  if (!r.clean.findings.empty()) {
    s << "\n## The fault-free run itself\n\n";
    for (const Finding& f : r.clean.findings) s << "- **" << verdict_name(f.verdict) << "**: " << f.reason << "\n";
  }
  for (const auto& [verdict, cells] : t.by_verdict) {
    s << "\n## " << verdict_name(verdict) << " (" << cells.size() << ")\n\n| plan | exit | why | reproduce |\n|---|---|---|---|\n";
    for (const CellResult* c : cells)
      s << "| `" << c->cell.plan << "` | " << c->exit_status << " | " << c->judgement.findings.front().reason << " | `"
        << r.repro(c->cell.plan) << "` |\n";
  }
  if (auto actions = action_cells(r); !actions.empty()) {
    s << "\n## Actions (" << actions.size() << ")\n\n| plan | verdict | exit | why |\n|---|---|---|---|\n";
    for (const CellResult* c : actions)
      s << "| `" << c->cell.plan << "` | " << reach_or_verdict(*c) << " | " << c->exit_status << " | " << action_detail(*c)
        << " |\n";
  }
  return s.str();
}

std::string json_form(const MatrixReport& r) {
  using nlohmann::json;
  auto findings = [](const Judgement& j) {
    json list = json::array();
    for (const Finding& f : j.findings) list.push_back({{"verdict", verdict_name(f.verdict)}, {"detail", f.reason}});
    return list;
  };
  json cells = json::array();
  for (const CellResult& c : r.cells) {
    const char* name = inject::errno_name(c.cell.err);
    static constexpr const char* kReach[] = {"fired", "not-realistic", "never-reached"};
    json cell = {{"plan", c.cell.plan},
                 {"call", inject::call_name(c.cell.call)},
                 {"index", c.cell.index},
                 {"onward", c.cell.onward},
                 {"errno", name ? name : std::to_string(c.cell.err)},
                 {"fault", kReach[static_cast<int>(c.judgement.reach)]},
                 {"verdict", c.judgement.verdict_text()},
                 {"findings", findings(c.judgement)},
                 {"exit_status", c.exit_status},
                 {"repro", r.repro(c.cell.plan)}};
    if (c.cell.eventual) cell["eventual"] = inject::errno_name(c.cell.eventual);
    if (const inject::ActionInfo* action = inject::find_action(c.cell.action)) {
      cell["action"] = action->name;
      cell.erase("errno");
    }
    cells.push_back(cell);
  }
  json out = {{"program", r.command},
              {"clean_run", {{"exit_status", r.clean_exit_status}, {"findings", findings(r.clean)}}},
              {"not_ok", r.not_ok()},
              {"cells", cells}};
  return out.dump(2) + "\n";
}

std::string html_form(const MatrixReport& r) {
  Tally t = tally(r);
  std::ostringstream h;
  h << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>connfuzz matrix</title><style>"
       "body{font-family:system-ui,sans-serif;margin:2em;max-width:80em}td,th{border:1px solid #ccc;padding:.3em .6em;"
       "text-align:left;vertical-align:top}table{border-collapse:collapse;margin-bottom:1.5em}code{font-size:.9em}"
       "h2{color:#a40000}</style></head><body>\n";
  h << "<h1>connfuzz matrix: <code>" << html_escaped(program_text(r)) << "</code></h1>\n<p>"
    << html_escaped(summary_line(r, t)) << ".</p>\n";
  if (!r.clean.findings.empty()) {
    h << "<h2>The fault-free run itself</h2><ul>";
    for (const Finding& f : r.clean.findings)
      h << "<li><b>" << verdict_name(f.verdict) << "</b>: " << html_escaped(f.reason) << "</li>";
    h << "</ul>\n";
  }
  for (const auto& [verdict, cells] : t.by_verdict) {
    h << "<h2 id=\"" << verdict_name(verdict) << "\">" << verdict_name(verdict) << " (" << cells.size()
      << ")</h2>\n<table><tr><th>plan</th><th>exit</th><th>why</th><th>reproduce</th></tr>\n";
    for (const CellResult* c : cells)
      h << "<tr><td><code>" << html_escaped(c->cell.plan) << "</code></td><td>" << c->exit_status << "</td><td>"
        << html_escaped(c->judgement.findings.front().reason) << "</td><td><code>" << html_escaped(r.repro(c->cell.plan))
        << "</code></td></tr>\n";
    h << "</table>\n";
  }
  if (t.by_verdict.empty() && r.clean.findings.empty()) h << "<p>Every cell ok.</p>\n";
  if (auto actions = action_cells(r); !actions.empty()) {
    h << "<h2 id=\"actions\">Actions (" << actions.size()
      << ")</h2>\n<table><tr><th>plan</th><th>verdict</th><th>exit</th><th>why</th></tr>\n";
    for (const CellResult* c : actions)
      h << "<tr><td><code>" << html_escaped(c->cell.plan) << "</code></td><td>" << html_escaped(reach_or_verdict(*c))
        << "</td><td>" << c->exit_status << "</td><td>" << html_escaped(action_detail(*c)) << "</td></tr>\n";
    h << "</table>\n";
  }
  h << "</body></html>\n";
  return h.str();
}

}  // namespace

int MatrixReport::not_ok() const {
  int n = clean.findings.empty() ? 0 : 1;
  for (const CellResult& c : cells) n += !c.judgement.ok();
  return n;
}

std::string MatrixReport::repro(const std::string& plan) const {
  return "connfuzz run " + run_options + "--plan " + shell_quoted(plan) + " -- " + program_text(*this);
}

std::string format_matrix(const MatrixReport& report, std::string_view format) {
  if (format == "md") return markdown_form(report);
  if (format == "json") return json_form(report);
  if (format == "html") return html_form(report);
  return text_form(report);
}

}  // namespace connfuzz::tools
