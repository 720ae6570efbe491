// What one fuzz input costs the harness, by what answers its connect: the kernel (a
// real handshake with the harness's listener, or a real refusal) or the plan. The same
// Harness::run a fuzzer calls per input, without the engine's own work around it.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "harness.h"
#include "scenario.h"

using namespace connfuzz::fuzz;

namespace {

Scenario scenario(const char* text) {
  TextError error;
  auto parsed = parse_text(text, error);
  if (!parsed) {
    std::fprintf(stderr, "input_bench: %s\n", error.what().c_str());
    std::exit(2);
  }
  return *parsed;
}

void run_input(benchmark::State& state, const char* text) {
  static bool initialized = [] {
    harness().initialize("posix");
    return true;
  }();
  benchmark::DoNotOptimize(initialized);
  Scenario input = scenario(text);
  for (auto _ : state) {
    InputVerdict verdict = harness().run(input);
    if (verdict.any()) {
      state.SkipWithError(("finding: " + verdict.findings.front().reason).c_str());
      break;
    }
  }
}

}  // namespace

BENCHMARK_CAPTURE(run_input, kernel_to_listener,
                  "mode=kernel_raw\nsocket=AF_INET,SOCK_STREAM,0\naddress=listener,AF_INET,length=true\n");
BENCHMARK_CAPTURE(run_input, kernel_refused,
                  "mode=kernel_raw\nsocket=AF_INET,SOCK_STREAM,0\naddress=refusing,AF_INET,length=true\n");
BENCHMARK_CAPTURE(run_input, kernel_bad_length,
                  "mode=kernel_raw\nsocket=AF_INET,SOCK_STREAM,0\naddress=listener,AF_INET,length=true-1\n");
BENCHMARK_CAPTURE(run_input, posix_nonblocking_to_listener,
                  "mode=posix_nonblocking\nsocket=AF_INET,SOCK_STREAM,0\naddress=listener,AF_INET,length=true\n");
BENCHMARK_CAPTURE(run_input, posix_nonblocking_injected_refused,
                  "mode=posix_nonblocking\nsocket=AF_INET,SOCK_STREAM,0\nplan=connect@1=ECONNREFUSED\n"
                  "address=listener,AF_INET,length=true\n");
BENCHMARK_CAPTURE(run_input, posix_nonblocking_injected_inprogress_refused,
                  "mode=posix_nonblocking\nsocket=AF_INET,SOCK_STREAM,0\nplan=connect@1=EINPROGRESS>ECONNREFUSED\n"
                  "address=listener,AF_INET,length=true\n");
BENCHMARK_CAPTURE(run_input, posix_nonblocking_injected_inprogress_real,
                  "mode=posix_nonblocking\nsocket=AF_INET,SOCK_STREAM,0\nplan=connect@1=EINPROGRESS\n"
                  "address=listener,AF_INET,length=true\n");
BENCHMARK_CAPTURE(run_input, posix_blocking_injected_eintr_real,
                  "mode=posix_blocking\nsocket=AF_INET,SOCK_STREAM,0\nplan=connect@1=EINTR\n"
                  "address=listener,AF_INET,length=true\n");
