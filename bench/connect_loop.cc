// N connect() calls on one socket to a loopback port nobody listens on, timed by the
// program itself: the workload that bench/backend_cost.sh runs plain, under strace's
// injection and under connfuzz's seccomp backend, to price one intercepted call.
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv) {
  long calls = argc > 1 ? std::atol(argv[1]) : 20000;
  if (calls <= 0 || calls > 100'000'000) {
    std::fprintf(stderr, "usage: connect_loop [CALLS]  (1 to 100000000)\n");
    return 2;
  }
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(1);
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timespec start{}, end{};
  clock_gettime(CLOCK_MONOTONIC, &start);
  long failed = 0;
  for (long i = 0; i < calls; ++i) failed += connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof(to)) != 0;
  clock_gettime(CLOCK_MONOTONIC, &end);
  double ns = static_cast<double>(end.tv_sec - start.tv_sec) * 1e9 + static_cast<double>(end.tv_nsec - start.tv_nsec);
  std::printf("%ld calls, %ld failed, %.0f ns per call\n", calls, failed, ns / static_cast<double>(calls));
  close(fd);
  return 0;
}
