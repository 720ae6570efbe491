// The injector's costs against the kernel's, measured in one run:
//   the kernel's cheapest failing connect (addrlen too small: EINVAL),
//   an injected connect through the whole layer (plan lookup, state, log),
//   a real loopback socket+connect+close, without and with the layer.
#include <benchmark/benchmark.h>
#include <sys/syscall.h>

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

// The same work twice: with raw syscalls (no layer) and through the layer's wrappers.
template <bool kThroughLayer>
static void LoopbackSocketConnectClose(benchmark::State& state) {
  runtime().clear_plan();
  LoopbackPort server(true);
  for (auto _ : state) {
    int fd = kThroughLayer ? socket(AF_INET, SOCK_STREAM, 0) : static_cast<int>(syscall(SYS_socket, AF_INET, SOCK_STREAM, 0));
    int r = kThroughLayer ? connect(fd, server.addr(), server.len())
                          : static_cast<int>(syscall(SYS_connect, fd, server.addr(), server.len()));
    benchmark::DoNotOptimize(r);
    kThroughLayer ? close(fd) : static_cast<int>(syscall(SYS_close, fd));
    int accepted = server.accept_one();
    if (accepted >= 0) syscall(SYS_close, accepted);
    if (runtime().log().size() == EventLog::kCapacity) runtime().log().clear();
  }
}
BENCHMARK_TEMPLATE(LoopbackSocketConnectClose, false)->Name("LoopbackSocketConnectClose/kernel");
BENCHMARK_TEMPLATE(LoopbackSocketConnectClose, true)->Name("LoopbackSocketConnectClose/layer");
