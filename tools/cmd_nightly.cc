// `connfuzz nightly`: every real fuzzer for a while, in parallel; the new inputs merged
// back into the corpus without losing one; the crashes grouped by finding and stack,
// one minimized repro file per group; the coverage report and a summary. Exit 1 when a
// group is a new finding.
#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <regex>
#include <sstream>

#include "atomic_file.h"
#include "commands.h"
#include "cpu_count.h"
#include "fuzzer_identity.h"
#include "corpus_merge.h"
#include "file_contents.h"
#include "coverage.h"
#include "environment.h"
#include "finding_file.h"
#include "fuzzer_process.h"
#include "minimizer.h"
#include "program_pool.h"
#include "report_formats.h"
#include "scenario.h"
#include "supervisor.h"
#include "sweep_nightly.h"
#include "text_lines.h"

namespace connfuzz::tools {
namespace {

namespace fs = std::filesystem;

struct NightlyOptions {
  double time = 600;
  int jobs = 0;
  std::string engine = "libfuzzer";
  std::string corpus;
  std::string out = "build/nightly";
  std::string fuzzers;
  std::vector<std::string> only;
  std::vector<std::string> with;
  std::string fuzzer;  // --fuzzer BIN: that fuzzer alone, a user's own included
  int max_runs = 200;
};

// The binary of a fuzzer of tonight's: --fuzzer's, else NAME_fuzzer in --fuzzers.
std::string binary_for(const NightlyOptions& o, const std::string& name) {
  return o.fuzzer.empty() ? fuzzer_binary(name, o.fuzzers) : fs::absolute(o.fuzzer).string();
}

struct FuzzerNight {
  std::string name;
  std::string binary;
  fs::path dir;      // OUT/<name>
  fs::path corpus;   // CORPUS/<name>
  long executions = 0;
  int new_inputs = 0;
  int added = 0;
  int crash_files = 0;
};

struct Group {
  std::string fuzzer, signature, stack, documented_as, summary;
  std::vector<fs::path> files;
  fs::path repro;  // the minimized file
};

std::vector<std::uint8_t> bytes_of(const fs::path& path) {
  std::string data = file_contents(path);
  return {data.begin(), data.end()};
}

int files_in(const fs::path& dir) {
  std::error_code ec;
  int n = 0;
  for (const auto& e : fs::directory_iterator(dir, ec)) n += e.is_regular_file();
  return n;
}

// The frames of a sanitizer's (or abort's) stack that belong to the program: the
// first three outside the sanitizer runtime and libc, "func < caller < ...".
std::string stack_of(const std::string& output) {
  static const std::regex frame(R"(^\s*#\d+ 0x[0-9a-f]+ in (.+?)( /| \(/|$))");
  std::vector<std::string> frames;
  for_each_line(output, [&](std::string_view line) {
    std::string text(line);
    std::smatch m;
    if (!std::regex_search(text, m, frame)) return true;
    std::string fn = std::regex_replace(m[1].str(), std::regex(R"(\(anonymous namespace\))"), "{anon}");
    fn = fn.substr(0, fn.find('('));  // the name, not its argument list
    for (const char* skip : {"__sanitizer", "__asan", "__ubsan", "__interceptor", "abort", "raise", "__GI_", "fuzzer::",
                             "__libc", "LLVMFuzzerTestOneInput", "std::", "pthread_kill", "gsignal"})
      if (fn.find(skip) != std::string::npos) return true;
    // The harness's own frames say nothing about where the finding is.
    if (fn == "main" || fn == "_start" || fn.find("fuzz_one_input") != std::string::npos) return true;
    frames.push_back(fn);
    return frames.size() < 3;
  });
  std::string out;
  for (const std::string& f : frames) out += (out.empty() ? "" : " < ") + f;
  return out;
}

std::string slug(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c))) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    else if (!out.empty() && out.back() != '-') out += '-';
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.substr(0, 48);
}

// OSS-Fuzz's bounds on one input (README "Resource limits"): past either, the input is a
// finding like any crash.
constexpr int kInputTimeoutSeconds = 25;
constexpr int kRssLimitMb = 2560;
// How much longer than --time a fuzzer may run before it is stopped: it finishes its
// current input and writes its final stats after the time is up.
constexpr double kFuzzerGraceSeconds = 300;
// A merge replays the whole corpus once; this bounds one that hangs.
constexpr double kMergeTimeoutSeconds = 900;

// The real fuzzers the build has: a library family it skipped is named on stderr and left out.
std::vector<std::string> real_fuzzers(const std::string& fuzzers_dir) {
  std::vector<std::string> names;
  for (std::string_view family : fuzz::families()) {
    if (family.starts_with("example_")) continue;
    if (std::string reason = not_built_reason(std::string(family), fuzzers_dir); !reason.empty()) {
      std::fprintf(stderr, "nightly: skipping %.*s: %s\n", static_cast<int>(family.size()), family.data(), reason.c_str());
      continue;
    }
    names.emplace_back(family);
  }
  names.emplace_back("plan");
  names.emplace_back("scenario");
  return names;
}

RunRequest fuzz_request(const NightlyOptions& o, const FuzzerNight& f, const fs::path& dict) {
  RunRequest r;
  r.private_network = false;  // each fuzzer makes its own namespace
  r.timeout_seconds = o.time + kFuzzerGraceSeconds;
  r.output_path = (f.dir / "fuzz.log").string();
  std::string t = std::to_string(static_cast<long>(o.time));
  if (o.engine == "afl") {
    r.argv = {"afl-fuzz", "-V", t, "-i", f.corpus.string(), "-o", (f.dir / "afl").string(), "-M", "main", "-t", "10000"};
    if (!dict.empty()) r.argv.insert(r.argv.end(), {"-x", dict.string()});
    r.argv.insert(r.argv.end(), {"--", f.binary});
    r.environment = {"AFL_SKIP_CPUFREQ=1", "AFL_NO_UI=1", "AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1", "AFL_NO_AFFINITY=1"};
  } else {
    // Fork mode goes on after a crash, a timeout or an OOM, keeping each as an artifact.
    r.argv = {f.binary, "-fork=1", "-ignore_crashes=1", "-ignore_timeouts=1", "-ignore_ooms=1", "-max_total_time=" + t,
              "-timeout=" + std::to_string(kInputTimeoutSeconds), "-rss_limit_mb=" + std::to_string(kRssLimitMb),
              "-print_final_stats=1",
              "-artifact_prefix=" + (f.dir / "crashes").string() + "/"};
    if (!dict.empty() && f.name != "plan" && f.name != "scenario") r.argv.push_back("-dict=" + dict.string());
    r.argv.push_back((f.dir / "new").string());  // libFuzzer writes new inputs to the first directory
    r.argv.push_back(f.corpus.string());
  }
  return r;
}

fs::path new_inputs_dir(const NightlyOptions& o, const FuzzerNight& f) {
  return o.engine == "afl" ? f.dir / "afl" / "main" / "queue" : f.dir / "new";
}

std::vector<fs::path> crash_files(const NightlyOptions& o, const FuzzerNight& f) {
  std::vector<fs::path> files;
  std::error_code ec;
  // OUT/<fuzzer>/crashes/ also holds the sweep's findings, whatever the engine.
  std::vector<fs::path> dirs = o.engine == "afl" ? std::vector<fs::path>{f.dir / "afl" / "main" / "crashes", f.dir / "afl" / "main" / "hangs", f.dir / "crashes"}
                                                 : std::vector<fs::path>{f.dir / "crashes"};
  for (const fs::path& d : dirs)
    for (const auto& e : fs::directory_iterator(d, ec))
      if (e.is_regular_file() && e.path().filename().string() != "README.txt") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

long executions_in(const NightlyOptions& o, const FuzzerNight& f) {
  std::ifstream in(o.engine == "afl" ? f.dir / "afl" / "main" / "fuzzer_stats" : f.dir / "fuzz.log");
  long best = 0;
  static const std::regex libfuzzer(R"(^#(\d+)[:\s])"), stats(R"(stat::number_of_executed_units: (\d+))"),
      afl(R"(^execs_done\s*:\s*(\d+))");
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (std::regex_search(line, m, o.engine == "afl" ? afl : stats) || std::regex_search(line, m, libfuzzer))
      best = std::max(best, std::stol(m[1]));
  }
  return best;
}

// Crashing inputs never go into the corpus (ctest replays it); they stay in OUT/<fuzzer>.
void merge(const NightlyOptions& o, FuzzerNight& f) {
  fs::path from = new_inputs_dir(o, f);
  f.new_inputs = files_in(from);
  if (f.new_inputs == 0) return;
  if (o.engine == "afl") {
    f.added = add_new_inputs(f.corpus.string(), from.string());
    return;
  }
  // libFuzzer keeps, of the old corpus and the new inputs, those that add coverage; of
  // those, only the ones the corpus lacks are added.
  fs::path staged = f.dir / "merged";
  std::error_code ec;
  fs::remove_all(staged, ec);
  fs::create_directories(staged, ec);
  RunRequest r;
  r.private_network = false;
  r.timeout_seconds = kMergeTimeoutSeconds;
  r.output_path = (f.dir / "merge.log").string();
  r.argv = {f.binary, "-merge=1", "-timeout=" + std::to_string(kInputTimeoutSeconds),
            "-rss_limit_mb=" + std::to_string(kRssLimitMb), staged.string(), f.corpus.string(), from.string()};
  RunResult result = run_supervised(r);
  if (result.exit_status != 0)
    std::fprintf(stderr, "connfuzz: nightly: %s: the merge exited %d (see %s); adding what it kept\n", f.name.c_str(),
                 result.exit_status, r.output_path.c_str());
  f.added = add_new_inputs(f.corpus.string(), staged.string());
}

// Where tonight reads from and writes to, checked before anything runs.
struct NightlySetup {
  int jobs = 0;
  fs::path corpus, dict, out;
  std::vector<std::string> names;
};

std::vector<std::string> chosen_fuzzers(const NightlyOptions& o) {
  if (!o.fuzzer.empty()) {
    if (!o.only.empty() || !o.with.empty()) throw UsageError("nightly: --fuzzer runs that fuzzer alone: no --only or --with");
    FuzzerIdentity id = identify_fuzzer(o.fuzzer);
    if (!id.own_targets.empty()) fuzz::set_user_modes(id.family, id.own_targets);
    return {id.family};
  }
  std::vector<std::string> names = real_fuzzers(o.fuzzers);
  if (!o.only.empty()) {
    for (const std::string& name : o.only)
      if (std::string reason = not_built_reason(name, o.fuzzers); !reason.empty()) throw UsageError("nightly: --only: " + reason);
      else if (std::find(names.begin(), names.end(), name) == names.end())
        throw UsageError("nightly: --only: '" + name + "' is not one of the real fuzzers");
    names = o.only;
  }
  for (const std::string& extra : o.with) {
    if (!extra.starts_with("example_"))
      throw UsageError("nightly: --with takes a buggy example's fuzzer (example_leak_on_refused, ...), not '" + extra + "'");
    names.push_back(extra);
  }
  return names;
}

NightlySetup checked_setup(const NightlyOptions& o) {
  if (!(o.time >= 1) || o.time > 7 * 86400)
    throw UsageError("nightly: --time must be from 1 to 604800 seconds, got " + std::to_string(o.time));
  NightlySetup s;
  s.jobs = o.jobs > 0 ? o.jobs : usable_cpus();
  if (o.jobs < 0 || s.jobs > 256) throw UsageError("nightly: --jobs must be from 1 to 256, got " + std::to_string(o.jobs));
  if (o.engine == "afl" && find_program("afl-fuzz").empty()) throw UsageError("nightly: --engine afl needs afl-fuzz (Debian's afl++)");
  fs::path source = documented_findings_dir().parent_path().parent_path();
  s.corpus = o.corpus.empty() ? source / "corpus" : fs::path(o.corpus);
  std::error_code ec;
  if (!fs::is_directory(s.corpus, ec))
    throw UsageError("nightly: --corpus '" + s.corpus.string() + "' is not a directory (it holds one directory per fuzzer)");
  s.dict = source / "fuzz" / "connfuzz.dict";
  if (!fs::exists(s.dict, ec)) s.dict.clear();
  s.names = chosen_fuzzers(o);
  s.out = o.out;
  fs::create_directories(s.out / "findings", ec);
  if (!fs::is_directory(s.out / "findings", ec)) throw UsageError("nightly: cannot make --out '" + s.out.string() + "'");
  return s;
}

FuzzerNight prepare_night(const NightlyOptions& o, const NightlySetup& s, const std::string& name) {
  FuzzerNight f;
  f.name = name;
  f.binary = binary_for(o, name);
  f.dir = s.out / name;
  f.corpus = s.corpus / name;
  // Tonight's work starts empty, but an earlier night's crash files are never thrown
  // away: they move aside to crashes-<time>/ (tonight judges only its own).
  std::error_code ec;
  fs::remove_all(f.dir / "new", ec);
  fs::remove_all(f.dir / "merged", ec);
  std::string stamp = std::to_string(std::time(nullptr));
  if (fs::exists(f.dir / "afl", ec)) fs::rename(f.dir / "afl", f.dir / ("afl-" + stamp), ec);  // its crashes/ inside
  if (files_in(f.dir / "crashes") > 0) fs::rename(f.dir / "crashes", f.dir / ("crashes-" + stamp), ec);
  fs::create_directories(f.dir / "new", ec);
  fs::create_directories(f.dir / "crashes", ec);
  fs::create_directories(f.corpus, ec);
  return f;
}

// A line on stderr every so often, so a long night shows it is alive and finding things.
constexpr auto progress_interval = std::chrono::seconds(10);

bool fuzz_all(const NightlyOptions& o, const NightlySetup& s, const std::vector<FuzzerNight>& nights) {
  std::vector<RunRequest> requests;
  for (const FuzzerNight& f : nights) requests.push_back(fuzz_request(o, f, s.dict));
  std::fprintf(stderr, "connfuzz: nightly: %zu fuzzers, %.0f s each, %d at a time, engine %s; work in %s\n", nights.size(),
               o.time, s.jobs, o.engine.c_str(), s.out.c_str());
  auto started = std::chrono::steady_clock::now();
  auto last = started;
  std::vector<bool> done(nights.size(), false);
  auto progress = [&] {
    auto now = std::chrono::steady_clock::now();
    if (now - last < progress_interval) return;
    last = now;
    std::string line;
    int finished = 0;
    for (std::size_t i = 0; i < nights.size(); ++i) {
      finished += done[i];
      int fresh = files_in(new_inputs_dir(o, nights[i]));
      int crashes = static_cast<int>(crash_files(o, nights[i]).size());
      if (fresh || crashes) line += " " + nights[i].name + " +" + std::to_string(fresh) + (crashes ? "/" + std::to_string(crashes) + " crashes" : "");
    }
    long elapsed = std::chrono::duration_cast<std::chrono::seconds>(now - started).count();
    std::fprintf(stderr, "connfuzz: nightly: %lds, %d/%zu fuzzers done; new inputs:%s\n", elapsed, finished, nights.size(),
                 line.empty() ? " none yet" : line.c_str());
  };
  return run_all(requests, s.jobs, [&](std::size_t i, const RunResult&) { done[i] = true; }, progress);
}

// Seconds to replay one crash file: a timeout artifact took kInputTimeoutSeconds to
// stop, so a replay gets a little more before it is called a hang.
constexpr int replay_timeout_seconds = 30;

// Merge, then judge every crash file, grouped by finding and stack.
std::map<std::string, Group> merge_and_group(const NightlyOptions& o, std::vector<FuzzerNight>& nights) {
  std::map<std::string, Group> groups;
  for (FuzzerNight& f : nights) {
    f.executions = executions_in(o, f);
    merge(o, f);
    std::vector<fs::path> crashes = crash_files(o, f);
    f.crash_files = static_cast<int>(crashes.size());
    for (const fs::path& file : crashes) {
      FuzzerRun run = run_fuzzer(f.binary, bytes_of(file), replay_timeout_seconds);
      std::string signature = run.finding() ? run.signature : "did not reproduce";
      std::string stack = run.finding() ? stack_of(run.output) : "";
      Group& g = groups[f.name + "|" + signature + "|" + stack];
      if (g.files.empty()) g = Group{f.name, signature, stack, run.documented_as, run.summary, {}, {}};
      g.files.push_back(file);
    }
    // A crash file is judged in a process of its own: minutes, on a night with many.
    std::fprintf(stderr, "connfuzz: nightly: %s: corpus merged (%d inputs added), %d crash files judged\n", f.name.c_str(),
                 f.added, f.crash_files);
  }
  return groups;
}

// Writes one repro file per group that reproduced; returns how many groups are new findings.
int write_repros(const NightlyOptions& o, const fs::path& out, std::map<std::string, Group>& groups) {
  int new_findings = 0;
  for (auto& [key, g] : groups) {
    if (g.signature == "did not reproduce") continue;
    // The smallest crash file of the group; a new finding is minimized from there (a
    // documented one is known already: its smallest file is repro enough).
    auto smallest = std::min_element(g.files.begin(), g.files.end(),
                                     [](const fs::path& a, const fs::path& b) { return fs::file_size(a) < fs::file_size(b); });
    std::vector<std::uint8_t> input = bytes_of(*smallest);
    Minimized m{input, 0, false};
    if (g.documented_as.empty())
      m = minimize_finding(binary_for(o, g.fuzzer), g.fuzzer, input, g.signature, replay_timeout_seconds, o.max_runs);
    std::string name = g.fuzzer + "-" + slug(g.documented_as.empty() ? g.signature : g.documented_as) + "-" +
                       std::to_string(std::hash<std::string>{}(key) % 100000);
    g.repro = out / "findings" / name;
    write_file_atomically(g.repro.string(), {reinterpret_cast<const char*>(m.bytes.data()), m.bytes.size()});
    write_file_atomically(g.repro.string() + ".txt", minimized_text(g.fuzzer, g.signature, m.bytes));
    if (g.documented_as.empty()) ++new_findings;
  }
  return new_findings;
}

// The coverage report over the corpus (as merged) and tonight's findings.
void write_coverage_reports(const NightlyOptions& o, const NightlySetup& s, const std::vector<FuzzerNight>& nights) {
  CoverageOptions coverage;
  coverage.corpus_dirs = {s.corpus.string()};
  add_finding_files("nightly", (s.out / "findings").string(), coverage.finding_files);
  // connfuzz's documented findings are of its own targets: not replayed on a --fuzzer.
  if (fs::path documented = documented_findings_dir(); !documented.empty() && o.fuzzer.empty())
    add_finding_files("nightly", documented.string(), coverage.finding_files);
  coverage.fuzzers_dir = fs::path(nights.front().binary).parent_path().string();
  coverage.fuzzer = o.fuzzer;
  coverage.with_examples = !o.with.empty();
  // Every input replayed in a process of its own: the night's longest phase after the
  // fuzzing, said as it goes.
  coverage.progress = true;
  std::fprintf(stderr, "connfuzz: nightly: the coverage report replays the corpus and the findings\n");
  Coverage report = collect_coverage(coverage);
  write_file_atomically((s.out / "report.md").string(), report_markdown(report));
  write_file_atomically((s.out / "report.html").string(), report_html(report, s.out));
  write_file_atomically((s.out / "report.json").string(), report_json(report));
}

std::string nightly_summary(const NightlyOptions& o, const NightlySetup& s, const std::vector<FuzzerNight>& nights,
                            const std::map<std::string, Group>& groups, int new_findings) {
  const fs::path& out = s.out;
  std::ostringstream md;
  md << "# connfuzz nightly\n\n" << nights.size() << " fuzzers, " << o.time << " s each, engine " << o.engine
     << "; corpus " << s.corpus.string() << "\n\n| fuzzer | executions | new inputs | added to the corpus | crash files |\n|---|---|---|---|---|\n";
  for (const FuzzerNight& f : nights)
    md << "| " << f.name << " | " << f.executions << " | " << f.new_inputs << " | " << f.added << " | " << f.crash_files << " |\n";
  md << "\n## Findings (" << groups.size() << (groups.size() == 1 ? " group, " : " groups, ") << new_findings << " new)\n\n";
  if (groups.empty()) md << "None.\n";
  for (const auto& [key, g] : groups) {
    md << "- **" << g.fuzzer << "**: " << g.signature << (g.stack.empty() ? "" : " at " + g.stack) << " (" << g.files.size()
       << " crash file" << (g.files.size() == 1 ? "" : "s") << "): ";
    if (g.signature == "did not reproduce") md << "did not reproduce on replay (first: `" << g.files.front().string() << "`)\n";
    else if (!g.documented_as.empty()) md << "documented (" << g.documented_as << "); `connfuzz repro " << g.repro.string() << "`\n";
    else md << "**NEW**; `connfuzz repro " << g.repro.string() << "`\n";
  }
  md << "\nReport: " << (out / "report.md").string() << ", " << (out / "report.html").string() << ", "
     << (out / "report.json").string() << "\n";
  return md.str();
}

int nightly(const NightlyOptions& o) {
  NightlySetup s = checked_setup(o);
  std::vector<FuzzerNight> nights;
  for (const std::string& name : s.names) nights.push_back(prepare_night(o, s, name));
  bool swept = true;
  for (std::size_t i = 0; i < nights.size() && swept; ++i)
    swept = sweep_into_crash_files(nights[i].binary, (nights[i].dir / "crashes").string(), s.corpus.string(), s.jobs);
  if (!swept || !fuzz_all(o, s, nights)) std::fprintf(stderr, "connfuzz: nightly: interrupted; merging what was found so far\n");
  std::map<std::string, Group> groups = merge_and_group(o, nights);
  int new_findings = write_repros(o, s.out, groups);
  write_coverage_reports(o, s, nights);
  std::string summary = nightly_summary(o, s, nights, groups, new_findings);
  write_file_atomically((s.out / "nightly.md").string(), summary);
  std::cout << summary;
  return new_findings > 0 ? 1 : 0;
}

}  // namespace

void add_nightly_command(CLI::App& app, int& status) {
  auto o = std::make_shared<NightlyOptions>();
  auto* cmd = app.add_subcommand("nightly", "Fuzz every real fuzzer for a while, merge the corpus, group and minimize findings");
  cmd->add_option("--time", o->time, "Seconds for each fuzzer (default 600)");
  cmd->add_option("--jobs", o->jobs, "Fuzzers at once (default: the number of CPUs)");
  cmd->add_option("--engine", o->engine, "libfuzzer (default; fork mode) or afl (afl-fuzz -M; build the afl preset)")
      ->check(CLI::IsMember({"libfuzzer", "afl"}));
  cmd->add_option("--corpus", o->corpus, "The corpus to start from and merge into: one directory per fuzzer (default: the source tree's)");
  cmd->add_option("--out", o->out, "Tonight's work, findings and reports (default build/nightly)");
  cmd->add_option("--fuzzers", o->fuzzers, std::string("Directory of the fuzzer binaries (default: $") +
                                                inject::env_name(inject::EnvVar::fuzzer_dir) + ", else beside connfuzz)");
  cmd->add_option("--only", o->only, "Only these real fuzzers (posix, asio, ...; comma-separated)")->delimiter(',');
  cmd->add_option("--with", o->with, "Also fuzz this buggy example (example_leak_on_refused, ...); repeatable");
  cmd->add_option("--fuzzer", o->fuzzer,
                  "Fuzz this fuzzer binary alone (a user's own, built with the public API); its corpus is --corpus DIR/<its name>");
  cmd->add_option("--max-runs", o->max_runs, "Replays to minimize each finding (default 200)")->check(positive("--max-runs"));
  cmd->callback([o, &status] { status = nightly(*o); });
}

}  // namespace connfuzz::tools
