// The sweep's phases: the seeds' fault-free runs, then the cells they teach (depth 1 and
// the malformed addresses), then the pairs the first faults' runs teach (depth 2).
#include "sweep.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

#include "finding_file.h"
#include "fuzzer_identity.h"
#include "progress_line.h"
#include "sweep_cells.h"
#include "sweep_workers.h"
#include "usage_error.h"

namespace connfuzz::tools {
namespace {

namespace fs = std::filesystem;

struct Seed {
  std::string name;
  fuzz::Scenario scenario;
};

// The seed files of `dir`: the binaries, and the texts that have no binary twin.
std::vector<std::string> seed_files(const fs::path& dir) {
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const fs::path& p = entry.path();
    if (!entry.is_regular_file() || (p.extension() == ".txt" && fs::exists(fs::path(p).replace_extension(""))))
      continue;
    files.push_back(p.string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

fs::path corpus_of(const SweepOptions& o, const std::string& family) {
  if (!o.corpus.empty()) {
    if (!fs::is_directory(o.corpus)) throw UsageError("sweep: --corpus '" + o.corpus + "' is not a directory");
    return fs::path(o.corpus) / family;
  }
  fs::path docs = documented_findings_dir();  // <source>/docs/findings
  return docs.empty() ? fs::path() : docs.parent_path().parent_path() / "corpus" / family;
}

// Each seed without its plan, once: what the target does when nothing fails. Without
// seeds, a plain scenario for each of the family's modes.
std::vector<Seed> fault_free_seeds(const SweepOptions& o, const std::string& family) {
  std::vector<Seed> seeds;
  std::set<std::vector<std::uint8_t>> seen;
  auto add = [&](std::string name, fuzz::Scenario s) {
    s = fuzz::for_family(std::move(s), family);
    s.plan = inject::Plan{};
    if (seen.insert(fuzz::encode(s)).second) seeds.push_back({std::move(name), std::move(s)});
  };
  fs::path dir = corpus_of(o, family);
  std::error_code ec;
  if (!dir.empty() && fs::is_directory(dir, ec))
    for (const std::string& file : seed_files(dir))
      add(fs::path(file).filename().string(), fuzz::decode(read_finding_file(file, family).bytes));
  if (!seeds.empty()) return seeds;
  for (fuzz::Mode mode : fuzz::family_modes(family)) {
    fuzz::Scenario s;
    s.mode = mode;
    add("default " + std::string(fuzz::mode_name(mode)), s);
  }
  if (seeds.empty()) add("default", fuzz::Scenario{});
  return seeds;
}

// The kernel's family judges the kernel's own answers: its fuzzer drops every plan.
bool family_takes_plans(const std::string& family) {
  fuzz::Scenario s;
  s.plan = inject::parse_plan("connect@1=ECONNREFUSED");
  return fuzz::for_family(s, family).plan.rule_count > 0;
}

fuzz::Scenario with_plan(const fuzz::Scenario& base, const inject::Plan& plan) {
  fuzz::Scenario s = base;
  s.plan = plan;
  return s;
}

// The workers' TMPDIR: what a worker that a cell killed leaves behind goes with it.
struct ScratchDirectory {
  std::string path;
  ScratchDirectory() {
    std::string pattern = (fs::temp_directory_path() / "connfuzz-sweep-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed for " + pattern);
    path = pattern;
  }
  ~ScratchDirectory() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
};

class Sweep {
 public:
  explicit Sweep(const SweepOptions& o) : o_(o) {}

  SweepResult run() {
    auto started = std::chrono::steady_clock::now();
    r_.binary = o_.fuzzer;
    check_fuzzer_file(o_.fuzzer);
    r_.family = workers_.family();  // the first worker says it as it starts
    r_.depth = o_.depth;
    r_.any_mode = o_.any_mode;
    r_.interrupted = r_.family.empty();
    if (!r_.interrupted && fault_free() && depth_one() && o_.depth >= 2) depth_two();
    r_.interrupted = r_.interrupted || workers_.stop_asked();  // after the last cell too
    r_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    workers_.let_end();
    return std::move(r_);
  }

 private:
  bool fault_free() {
    std::vector<SweepCell> cells;
    std::vector<Seed> seeds = fault_free_seeds(o_, r_.family);
    for (std::size_t i = 0; i < seeds.size(); ++i) {
      r_.seeds.push_back(seeds[i].name);
      cells.push_back({CellKind::fault_free, i, fuzz::encode(seeds[i].scenario), "(no fault)", {}});
    }
    std::size_t first = r_.cells.size();
    if (!run_phase("fault-free runs", std::move(cells))) return false;
    for (std::size_t i = first; i < r_.cells.size(); ++i)
      if (!died(r_.cells[i])) return true;
    const SweepCell& c = r_.cells[first];
    throw UsageError("sweep: " + o_.fuzzer + ": the target's fault-free run dies on every seed (" + r_.seeds[c.seed] +
                     ": " + c.outcome.findings.front().verdict + ": " + c.outcome.findings.front().reason + ")");
  }

  bool depth_one() {
    std::vector<SweepCell> cells;
    std::set<std::tuple<fuzz::Mode, int, int>> sockets;
    bool plans = family_takes_plans(r_.family);
    for (std::size_t i = 0; i < r_.cells.size(); ++i) {
      const SweepCell& base = r_.cells[i];
      if (died(base)) continue;
      fuzz::Scenario scenario = base.scenario();
      if (plans)
        for (const inject::Plan& plan : single_fault_plans(base.outcome.sites, o_.any_mode))
          cells.push_back({CellKind::fault, base.seed, fuzz::encode(with_plan(scenario, plan)), inject::to_text(plan), {}});
      if (sockets.insert({scenario.mode, scenario.type, scenario.protocol}).second)
        for (AddressCase& a : address_cases(scenario))
          cells.push_back({CellKind::address, base.seed, fuzz::encode(a.scenario), std::move(a.label), {}});
    }
    return run_phase("depth 1", std::move(cells));
  }

  bool depth_two() {
    std::vector<SweepCell> cells;
    for (std::size_t i = 0; i < r_.cells.size(); ++i) {
      const SweepCell& first = r_.cells[i];
      if (first.kind != CellKind::fault || first.outcome.reach != fuzz::Reach::fired) continue;
      fuzz::Scenario scenario = first.scenario();
      if (!starts_a_pair(scenario.plan)) continue;
      std::vector<Site> later = later_sites(first.outcome.sites, site_of(scenario.plan));
      for (const inject::Plan& plan : pair_plans(scenario.plan, later, o_.any_mode))
        cells.push_back({CellKind::pair, first.seed, fuzz::encode(with_plan(scenario, plan)), inject::to_text(plan), {}});
    }
    return run_phase("depth 2", std::move(cells));
  }

  // Runs the cells on the workers and keeps them with their outcomes; false when interrupted.
  bool run_phase(const std::string& what, std::vector<SweepCell> cells) {
    std::vector<std::vector<std::uint8_t>> bytes;
    bytes.reserve(cells.size());
    for (const SweepCell& c : cells) bytes.push_back(c.input);
    std::vector<fuzz::SweepOutcome> outcomes;
    ProgressLine progress("connfuzz: sweep: " + r_.family + ": " + what + ": ", cells.size());
    auto on_done = [&](std::size_t i) {
      if (o_.progress) progress.step(!outcomes[i].findings.empty());
    };
    auto started = std::chrono::steady_clock::now();
    bool finished = workers_.run(bytes, outcomes, on_done);
    r_.phases.push_back({what, cells.size(), std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()});
    r_.restarts = workers_.restarts();
    r_.undone = workers_.undone_in_place();
    r_.workers = workers_.started();
    r_.interrupted = !finished;
    r_.cells.reserve(r_.cells.size() + cells.size());
    for (std::size_t i = 0; finished && i < cells.size(); ++i) {
      cells[i].outcome = std::move(outcomes[i]);
      r_.cells.push_back(std::move(cells[i]));
    }
    return finished;
  }

  // A cell that ended its worker taught nothing about the calls.
  static bool died(const SweepCell& c) { return c.outcome.ended_worker; }

  const SweepOptions& o_;
  SweepResult r_;
  ScratchDirectory scratch_;
  // The same workers for every phase: each initializes its harness once.
  SweepWorkers workers_{{o_.fuzzer, o_.jobs, o_.cell_timeout_seconds, scratch_.path}};
};

}  // namespace

bool SweepCell::new_finding() const noexcept {
  return std::any_of(outcome.findings.begin(), outcome.findings.end(),
                     [](const fuzz::SweepFinding& f) { return f.documented.empty(); });
}

namespace {

// SIGINT and SIGTERM wait while it lives, and take effect as it ends.
struct StopSignalsHeld {
  sigset_t before;
  StopSignalsHeld() {
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, &before);
  }
  ~StopSignalsHeld() { pthread_sigmask(SIG_SETMASK, &before, nullptr); }
  StopSignalsHeld(const StopSignalsHeld&) = delete;
  StopSignalsHeld& operator=(const StopSignalsHeld&) = delete;
};

// The sweep's result handed to `use` (its report) while the workers end. A Ctrl-C stops
// the sweep whenever it comes: held until the workers catch it (after the scratch
// directory is made), and again from the sweep's end until its workers are gone and
// its directory removed (the `held` made first is destroyed last).
template <typename Use>
auto with_sweep(const SweepOptions& options, Use use) {
  std::optional<StopSignalsHeld> held(std::in_place);
  Sweep sweep(options);
  held.reset();
  SweepResult result;
  try {
    result = sweep.run();
  } catch (...) {
    held.emplace();  // a bad fuzzer's message, once the directory is gone
    throw;
  }
  held.emplace();
  return use(result);
}

}  // namespace

SweepResult run_sweep(const SweepOptions& options) {
  return with_sweep(options, [](SweepResult& result) { return std::move(result); });
}

int run_sweep(const SweepOptions& options, const std::function<int(SweepResult&)>& use) { return with_sweep(options, use); }

std::string_view kind_name(CellKind kind) noexcept {
  switch (kind) {
    case CellKind::fault_free: return "fault-free";
    case CellKind::fault: return "fault";
    case CellKind::pair: return "pair";
    case CellKind::address: return "address";
  }
  return "?";
}

}  // namespace connfuzz::tools
