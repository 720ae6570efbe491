// `connfuzz report`: errno coverage target by target, in markdown, HTML, JSON or SARIF.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>

#include "atomic_file.h"
#include "commands.h"
#include "coverage.h"
#include "finding_file.h"
#include "report_formats.h"

namespace connfuzz::tools {
namespace {

namespace fs = std::filesystem;

struct ReportOptions {
  std::string format;  // "": standard output in markdown, each --out by its extension
  std::vector<std::string> out;
  std::vector<std::string> corpus;
  std::vector<std::string> findings;
  std::vector<std::string> sweeps;
  std::string fuzzers;
  std::string fuzzer;  // --fuzzer BIN
  bool examples = false;
  double timeout = 30;
};

// An --out file's format: --format when given, else its extension, else markdown.
std::string format_of(const std::string& path, const std::string& format) {
  if (!format.empty()) return format;
  std::string extension = fs::path(path).extension().string();
  for (const char* known : {"html", "json", "sarif"})
    if (extension == std::string(".") + known) return known;
  return "md";
}

std::string render(const Coverage& coverage, const std::string& format, const fs::path& page_dir) {
  if (format == "html") return report_html(coverage, page_dir);
  if (format == "json") return report_json(coverage);
  if (format == "sarif") return report_sarif(coverage);
  return report_markdown(coverage);
}

}  // namespace

void add_report_command(CLI::App& app, int& status) {
  auto* report = app.add_subcommand("report", "Errno coverage of the table, target by target, from the corpus");
  auto o = std::make_shared<ReportOptions>();
  report->add_option("--format", o->format,
                     "md, html, json or sarif (default: md on standard output, each --out by its extension)")
      ->check(CLI::IsMember({"md", "html", "json", "sarif"}));
  report->add_option("--out", o->out,
                     "Write the report here instead of standard output; may be repeated (report.md --out report.html)");
  report->add_option("--corpus", o->corpus, "A directory of <fuzzer>/ corpus directories (default: the repository's corpus/)");
  report->add_option("--findings", o->findings,
                     "Finding files or directories to replay too (default: docs/findings/); crash files count here");
  report->add_option("--sweep", o->sweeps, "A JSON report of connfuzz sweep: its cells count as inputs; may be repeated");
  report->add_option("--fuzzers", o->fuzzers, "Directory of the *_fuzzer binaries (default: beside connfuzz)");
  report->add_option("--fuzzer", o->fuzzer,
                     "One fuzzer binary, a user's own included: its targets' errno coverage over --corpus DIR");
  report->add_flag("--examples", o->examples, "Include the buggy examples' targets");
  report->add_option("--timeout", o->timeout, "Seconds per input before it counts as a hang (default 30)")
      ->check(positive("--timeout"));
  report->callback([o, &status] {
    CoverageOptions options;
    fs::path findings_dir = documented_findings_dir();
    fs::path repository = findings_dir.empty() ? fs::path() : findings_dir.parent_path().parent_path();
    options.corpus_dirs = o->corpus;
    if (options.corpus_dirs.empty() && !o->fuzzer.empty()) throw UsageError("report: --fuzzer needs --corpus DIR (its inputs)");
    if (options.corpus_dirs.empty()) {
      if (repository.empty() || !fs::is_directory(repository / "corpus"))
        throw UsageError("report: no corpus/ found above this executable or here; give --corpus DIR");
      options.corpus_dirs.push_back((repository / "corpus").string());
    }
    // connfuzz's documented findings are of its own targets: not replayed on a --fuzzer.
    if (o->findings.empty() && !findings_dir.empty() && o->fuzzer.empty()) o->findings.push_back(findings_dir.string());
    for (const std::string& arg : o->findings) add_finding_files("report", arg, options.finding_files);
    options.sweep_files = o->sweeps;
    options.fuzzers_dir = o->fuzzers;
    options.fuzzer = o->fuzzer;
    options.with_examples = o->examples;
    options.timeout_seconds = o->timeout;

    // The output files are created first: a typo in a directory should not cost a replay.
    std::vector<std::unique_ptr<AtomicFile>> files;
    for (const std::string& path : o->out) files.push_back(std::make_unique<AtomicFile>(path));
    Coverage coverage = collect_coverage(options);
    if (o->out.empty()) std::cout << render(coverage, o->format, fs::current_path());
    for (std::size_t i = 0; i < o->out.size(); ++i) {
      files[i]->write(render(coverage, format_of(o->out[i], o->format), fs::absolute(o->out[i]).parent_path()));
      files[i]->commit();
      std::cerr << "connfuzz report: wrote " << o->out[i] << "\n";
    }
    bool new_findings = false;
    for (const InputResult& input : coverage.inputs) new_findings |= input.outcome == Outcome::found;
    status = new_findings ? 1 : 0;
  });
}

}  // namespace connfuzz::tools
