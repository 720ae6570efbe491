// The injector's costs against the kernel's, measured in one run:
//   the kernel's cheapest failing connect (addrlen too small: EINVAL),
//   an injected connect through the whole layer (plan lookup, state, log),
//   a real loopback socket+connect+close, without and with the layer, in turns,
//   the injected connect again in a process that has started a thread.
#include <benchmark/benchmark.h>
#include <sys/syscall.h>
#include <time.h>

#include <cstdint>
#include <thread>

#include "loopback.h"
#include "plan.h"
#include "runtime.h"

using connfuzz::testing::LoopbackPort;
using namespace connfuzz::inject;

static void KernelCheapestFailingConnect(benchmark::State& state) {
  int fd = static_cast<int>(syscall(SYS_socket, AF_INET, SOCK_STREAM, 0));
  sockaddr_in a = connfuzz::testing::loopback(htons(9));
  for (auto _ : state) benchmark::DoNotOptimize(syscall(SYS_connect, fd, &a, 1));
  syscall(SYS_close, fd);
}
BENCHMARK(KernelCheapestFailingConnect);

static void InjectedConnect(benchmark::State& state) {
  runtime().install(parse_plan("connect@*=ECONNREFUSED"));
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a = connfuzz::testing::loopback(htons(9));
  for (auto _ : state) {
    benchmark::DoNotOptimize(connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)));
    if (runtime().log().size() == EventLog::kCapacity) {
      state.PauseTiming();
      runtime().log().clear();
      state.ResumeTiming();
    }
  }
  close(fd);
  runtime().clear_plan();
}
BENCHMARK(InjectedConnect);

// A real loopback socket+connect+close, with raw syscalls (no layer) or through the
// layer's wrappers (no plan).
template <bool kThroughLayer>
static std::int64_t socket_connect_close_ns(const LoopbackPort& server) {
  timespec start{}, end{};
  clock_gettime(CLOCK_MONOTONIC_RAW, &start);
  int fd = kThroughLayer ? socket(AF_INET, SOCK_STREAM, 0) : static_cast<int>(syscall(SYS_socket, AF_INET, SOCK_STREAM, 0));
  int r = kThroughLayer ? connect(fd, server.addr(), server.len())
                        : static_cast<int>(syscall(SYS_connect, fd, server.addr(), server.len()));
  benchmark::DoNotOptimize(r);
  kThroughLayer ? close(fd) : static_cast<int>(syscall(SYS_close, fd));
  clock_gettime(CLOCK_MONOTONIC_RAW, &end);
  int accepted = server.accept_one();
  if (accepted >= 0) syscall(SYS_close, accepted);
  if (runtime().log().size() == EventLog::kCapacity) runtime().log().clear();
  return (end.tv_sec - start.tv_sec) * 1'000'000'000LL + (end.tv_nsec - start.tv_nsec);
}

// Both in one loop, in turns, each going first every other time: a loopback connect's
// cost drifts over a run by more than the layer adds (the ephemeral ports' TIME_WAITs
// pile up), and measured one after the other the first took up to 1.7x the second.
// The counters are each one's mean; the accept between rounds is not timed.
static void LoopbackSocketConnectClose(benchmark::State& state) {
  runtime().clear_plan();
  LoopbackPort server(true);
  std::int64_t kernel_ns = 0, layer_ns = 0;
  bool layer_first = false;
  for (auto _ : state) {
    layer_first = !layer_first;
    if (layer_first) layer_ns += socket_connect_close_ns<true>(server);
    kernel_ns += socket_connect_close_ns<false>(server);
    if (!layer_first) layer_ns += socket_connect_close_ns<true>(server);
  }
  double rounds = static_cast<double>(state.iterations());
  state.counters["kernel_ns"] = static_cast<double>(kernel_ns) / rounds;
  state.counters["layer_ns"] = static_cast<double>(layer_ns) / rounds;
  state.counters["layer_over_kernel"] = static_cast<double>(layer_ns) / static_cast<double>(kernel_ns);
}
BENCHMARK(LoopbackSocketConnectClose);

// The injected connect once the program has started a thread: from then on the call
// counters and the log's slots take the bus lock (shared_counter.h). Registered last,
// since a process never becomes single-threaded again.
static void InjectedConnectAfterAThread(benchmark::State& state) {
  std::thread([] {}).join();
  InjectedConnect(state);
}
BENCHMARK(InjectedConnectAfterAThread);
