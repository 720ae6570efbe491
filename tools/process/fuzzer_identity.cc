// A look inside the file for connfuzz's entry points, then the binary asked in person.
#include "fuzzer_identity.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "child_spawn.h"
#include "sweep_protocol.h"
#include "usage_error.h"

namespace connfuzz::tools {
namespace {

// A fuzzer answers before it does anything else; a loaded machine may still take a while.
constexpr double kAnswerSeconds = 10;

// Whether the file holds each of `words` somewhere (read in pieces that overlap).
bool holds_all(const std::string& path, std::vector<std::string_view> words) {
  std::ifstream in(path, std::ios::binary);
  std::string window;
  std::array<char, 1 << 16> chunk;
  while (!words.empty() && in) {
    in.read(chunk.data(), chunk.size());
    window.append(chunk.data(), static_cast<std::size_t>(in.gcount()));
    std::erase_if(words, [&](std::string_view w) { return window.find(w) != std::string::npos; });
    window.erase(0, window.size() > 64 ? window.size() - 64 : 0);
  }
  return words.empty();
}

// The binary's standard output until it ends or the time is up.
std::string answer_of(const std::string& binary) {
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe2: ") + std::strerror(errno));
  SpawnRequest request;
  // The replay driver wants an input before it starts; the fuzzer answers before reading it.
  request.argv = {binary, "/dev/null"};
  request.set_environment = {"CONNFUZZ_IDENTIFY=1"};
  request.unset_environment = {"CONNFUZZ_SWEEP"};
  request.descriptors = {{1, out[1]}};
  pid_t child = spawn_child(request);
  close(out[1]);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(kAnswerSeconds);
  std::string text;
  char buffer[4096];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0 || text.size() > 65536) break;
    pollfd p{out[0], POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left)) <= 0) continue;
    ssize_t n = read(out[0], buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
  }
  close(out[0]);
  kill_and_reap(child);
  return text;
}

}  // namespace

FuzzerIdentity identify_fuzzer(const std::string& binary) {
  struct stat st {};
  if (stat(binary.c_str(), &st) != 0) throw UsageError("'" + binary + "': " + std::strerror(errno));
  if (!S_ISREG(st.st_mode) || access(binary.c_str(), X_OK) != 0)
    throw UsageError("'" + binary + "' is not an executable file");
  // Only a connfuzz fuzzer is run: another program might do anything with its argument.
  if (!holds_all(binary, {"LLVMFuzzerTestOneInput", "CONNFUZZ_IDENTIFY"}))
    throw UsageError("'" + binary + "' is not a connfuzz fuzzer (it has no LLVMFuzzerTestOneInput built with connfuzz's harness)");
  std::istringstream lines(answer_of(binary));
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    std::string word;
    FuzzerIdentity id;
    if (words >> word >> id.family >> id.format && word == fuzz::kIdentityWord) return id;
  }
  throw UsageError("'" + binary + "' is not a connfuzz fuzzer (asked with CONNFUZZ_IDENTIFY=1, it did not say '" +
                   std::string(fuzz::kIdentityWord) + " FAMILY FORMAT' within " +
                   std::to_string(static_cast<int>(kAnswerSeconds)) + " s)");
}

}  // namespace connfuzz::tools
