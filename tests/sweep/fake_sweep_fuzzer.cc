// A stand-in for a connect fuzzer that speaks the sweep worker's protocol (sweep_protocol.h)
// and misbehaves as FAKE_SWEEP says: "mixed" crashes on every cell whose plan refuses a
// connect (connect@N=ECONNREFUSED) and hangs on every cell that times one out
// (connect@N=ETIMEDOUT), answering the rest; "tell" crashes as "mixed" does, never hangs,
// and answers the rest with a finding named for how it was started
// ("started-as-<CONNFUZZ_SWEEP>", and "-with-SIGPIPE-ignored" if it was); "crash"
// crashes on every cell; "silent" exits before its first cell; "slow" takes 2 s to say
// which fuzzer it is, then does as "mixed". It forks no cell runners: a crash ends the
// whole worker, the path a real worker takes when something kills it and not its runner.
// What `connfuzz sweep` must survive, with no real bug.
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "scenario.h"
#include "sweep_protocol.h"

using namespace connfuzz;

// What makes it look like a fuzzer to identify_fuzzer's look inside the file.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t*, std::size_t) { return 0; }

namespace {

bool first_rule_is(const fuzz::Scenario& s, int err) {
  const inject::Plan& p = s.plan;
  return p.rule_count > 0 && p.rules[0].call == inject::Call::connect && p.rules[0].err == err && p.rules[0].eventual == 0;
}

void answer(std::uint64_t id, bool tell) {
  fuzz::SweepOutcome o;
  o.id = id;
  o.reach = fuzz::Reach::fired;
  o.sites = {{inject::Call::socket, 1}, {inject::Call::connect, 1}, {inject::Call::close, 1}};
  if (tell) {
    // A worker must find SIGPIPE as the fuzzer does on its own: a target's write to a
    // peer that is gone ends it there.
    struct sigaction pipe {};
    sigaction(SIGPIPE, nullptr, &pipe);
    std::string how = "started-as-" + std::string(std::getenv("CONNFUZZ_SWEEP"));
    o.findings.push_back({how + (pipe.sa_handler == SIG_IGN ? "-with-SIGPIPE-ignored" : ""), "", "how it was started"});
  }
  std::string line = fuzz::outcome_line(o) + "\n";
  if (write(fuzz::kSweepOutcomesFd, line.data(), line.size()) < 0) std::exit(3);
}

}  // namespace

int main() {
  if (std::getenv("CONNFUZZ_IDENTIFY")) return std::printf("%s\n", fuzz::identity_line("posix").c_str()) < 0;
  const char* how = std::getenv("FAKE_SWEEP");
  if (!std::getenv("CONNFUZZ_SWEEP") || !how || std::strcmp(how, "silent") == 0) return 3;
  if (std::strcmp(how, "slow") == 0) {
    sleep(2);
    how = "mixed";
  }
  std::string hello = fuzz::identity_line("posix") + "\n";
  if (write(fuzz::kSweepOutcomesFd, hello.data(), hello.size()) < 0) return 3;
  static char message[1 << 16];
  for (ssize_t n; (n = read(fuzz::kSweepCellsFd, message, sizeof(message))) > 0;) {
    auto cell = fuzz::parse_cell_line(std::string_view(message, static_cast<std::size_t>(n)));
    if (!cell) return 4;
    std::fprintf(stderr, "connfuzz: sweep: cell %llu\n", static_cast<unsigned long long>(cell->first));
    fuzz::Scenario s = fuzz::decode(cell->second);
    if (std::strcmp(how, "crash") == 0 || first_rule_is(s, ECONNREFUSED)) raise(SIGSEGV);
    if (std::strcmp(how, "mixed") == 0 && first_rule_is(s, ETIMEDOUT)) pause();
    answer(cell->first, std::strcmp(how, "tell") == 0);
  }
  return 0;
}
