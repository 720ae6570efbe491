// The coverage report as one self-contained page: a grid of the table's rows by
// target, a colour per cell, a legend, and the findings linked to their repro files.
#include <filesystem>
#include <sstream>

#include "html_text.h"
#include "report_formats.h"
#include "report_totals.h"

namespace connfuzz::tools {
namespace {

// A link that works from the page's directory; the path as given when there is none.
std::string link_to(const std::string& file, const std::filesystem::path& from) {
  std::error_code ec;
  auto relative = std::filesystem::relative(std::filesystem::absolute(file, ec), from, ec);
  return html_escaped(ec || relative.empty() ? file : relative.string());
}

constexpr const char* kStyle = R"(
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.15em; margin-top: 1.6em; }
table { border-collapse: collapse; }
th, td { border: 1px solid #ccc; padding: 2px 6px; }
th { background: #f4f4f4; position: sticky; top: 0; }
table.grid td.cell { text-align: center; min-width: 1.6em; }
table.grid th.target { writing-mode: vertical-rl; transform: rotate(180deg); white-space: nowrap; }
.untested { background: #eeeeee; color: #999; }
.handled { background: #9fd89a; }
.documented { background: #f5c26b; }
.finding { background: #e8746a; color: #fff; font-weight: bold; }
.legend span { display: inline-block; padding: 2px 10px; margin-right: 8px; border: 1px solid #ccc; }
td.num { text-align: right; }
tr.connect td.call { font-weight: bold; }
)";


void write_heading(std::ostringstream& h, const Totals& totals) {
  h << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>connfuzz errno coverage</title>"
    << "<style>" << kStyle << "</style></head><body>\n"
    << "<h1>connfuzz errno coverage</h1>\n<p id=\"inputs\">" << totals.inputs << " inputs replayed; "
    << totals.inputs_with_findings << " found something (" << totals.inputs_new << " not documented).</p>\n"
    << "<p class=\"legend\" id=\"legend\"><span class=\"handled\">✓ handled</span>"
    << "<span class=\"documented\">D documented finding</span><span class=\"finding\">✗ new finding</span>"
    << "<span class=\"untested\">· not exercised</span></p>\n"
    << "<p>A cell is a row of the errno table on one target: exercised when an input made that call fail with "
       "that errno (injected by the plan, or answered by the kernel), handled when no such input broke an "
       "oracle. Hover a cell for its counts; a finding cell links to its repro file.</p>\n";
}

void write_totals(std::ostringstream& h, const Coverage& coverage, const Totals& totals) {
  h << "<h2>Per target</h2>\n<table id=\"targets\"><tr><th>target</th><th>fuzzer</th><th>connect() rows exercised</th>"
    << "<th>handled</th><th>all rows exercised</th><th>handled</th><th>documented</th><th>new</th></tr>\n";
  for (std::size_t t = 0; t < coverage.targets.size(); ++t) {
    const TargetTotals& tt = totals.targets[t];
    h << "<tr><td>" << html_escaped(coverage.targets[t]) << "</td><td>" << html_escaped(coverage.target_fuzzer[t])
      << "</td><td class=\"num\">" << tt.connect.exercised << "/" << tt.connect.rows << "</td><td class=\"num\">"
      << tt.connect.handled << "</td><td class=\"num\">" << tt.all.exercised << "/" << tt.all.rows
      << "</td><td class=\"num\">" << tt.all.handled << "</td><td class=\"num\">" << tt.all.documented
      << "</td><td class=\"num\">" << tt.all.found << "</td></tr>\n";
  }
  h << "</table>\n<h2>Per errno class</h2>\n<table id=\"classes\"><tr><th>class</th><th>cells exercised</th>"
    << "<th>handled</th><th>documented</th><th>new</th></tr>\n";
  for (int k = 0; k < inject::kErrnoClassCount; ++k) {
    const Tally& c = totals.classes[static_cast<std::size_t>(k)];
    h << "<tr><td>" << inject::class_name(static_cast<inject::ErrnoClass>(k)) << "</td><td class=\"num\">"
      << c.exercised << "/" << c.rows << "</td><td class=\"num\">" << c.handled << "</td><td class=\"num\">"
      << c.documented << "</td><td class=\"num\">" << c.found << "</td></tr>\n";
  }
  h << "</table>\n";
}

void write_grid(std::ostringstream& h, const Coverage& coverage, const std::filesystem::path& links_from) {
  auto rows = inject::errno_rows();
  h << "<h2>Row by row</h2>\n<table class=\"grid\" id=\"coverage\"><tr><th>call</th><th>errno</th><th>class</th>";
  for (const std::string& target : coverage.targets) h << "<th class=\"target\">" << html_escaped(target) << "</th>";
  h << "</tr>\n";
  for (std::size_t r = 0; r < rows.size(); ++r) {
    std::string_view call = inject::call_name(rows[r].call);
    h << "<tr class=\"" << (rows[r].call == inject::Call::connect ? "connect" : "other") << "\"><td class=\"call\">"
      << call << "</td><td>" << inject::errno_name(rows[r].err) << "</td><td>" << inject::class_name(rows[r].klass)
      << "</td>";
    for (std::size_t t = 0; t < coverage.targets.size(); ++t) {
      const Cell& cell = coverage.cells[t][r];
      std::string name(outcome_name(cell.outcome));
      h << "<td class=\"cell " << name << "\" title=\"" << html_escaped(coverage.targets[t]) << ", " << call << " "
        << inject::errno_name(rows[r].err) << ": " << name << "; injected by " << cell.injected
        << " inputs, from the kernel in " << cell.real << "\">";
      if (!cell.findings.empty())
        h << "<a href=\"" << link_to(coverage.inputs[cell.findings.front()].file, links_from) << "\">"
          << cell_symbol(cell.outcome) << "</a>";
      else
        h << cell_symbol(cell.outcome);
      h << "</td>";
    }
    h << "</tr>\n";
  }
  h << "</table>\n";
}

void write_findings(std::ostringstream& h, const Coverage& coverage, const std::filesystem::path& links_from) {
  h << "<h2>Findings</h2>\n<table id=\"findings\"><tr><th>finding</th><th>target</th><th>status</th>"
    << "<th>repro file</th></tr>\n";
  for (const InputResult& f : coverage.inputs) {
    if (f.outcome < Outcome::documented) continue;
    h << "<tr><td>" << html_escaped(f.signature) << "</td><td>" << html_escaped(f.target) << "</td><td class=\""
      << outcome_name(f.outcome) << "\">" << (f.documented_as.empty() ? "new" : html_escaped(f.documented_as))
      << "</td><td><a href=\"" << link_to(f.file, links_from) << "\">" << html_escaped(f.file) << "</a></td></tr>\n";
  }
  h << "</table>\n</body></html>\n";
}

}  // namespace

std::string report_html(const Coverage& coverage, const std::filesystem::path& links_from) {
  Totals totals = totals_of(coverage);
  std::ostringstream h;
  write_heading(h, totals);
  write_totals(h, coverage, totals);
  write_grid(h, coverage, links_from);
  write_findings(h, coverage, links_from);
  return h.str();
}

}  // namespace connfuzz::tools
