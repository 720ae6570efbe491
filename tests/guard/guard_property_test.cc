// The guard as a property (issues 7 and 18): thousands of random destinations of every
// family and form, handed by a program under `connfuzz run` with each backend to each
// libc entry that can carry one (connect, sendto, sendmsg, sendmmsg, TCP Fast Open);
// every one a model of the walls (written here, apart from the guard) calls outside
// must be answered by the guard and never reach the kernel.
#include <gtest/gtest.h>
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "connfuzz_command.h"
#include "event_line.h"
#include "random_destinations.h"

namespace {

using connfuzz::testing::connfuzz;
using connfuzz::testing::Destination;
using connfuzz::testing::quote;
using connfuzz::tools::LineMark;

bool v4_outside(const unsigned char* a) { return a[0] != 127; }

bool v6_outside(const unsigned char* a) {
  static const unsigned char loopback[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(a, loopback, 16) == 0) return false;
  return !(std::memcmp(a, mapped, 12) == 0 && a[12] == 127);
}

std::string real_path(const std::string& path) {
  char out[PATH_MAX];
  return realpath(path.c_str(), out) ? out : "";
}

// Where the destination would lead if the kernel were given it: outside the walls
// (anything but loopback, an allowed directory or a "connfuzz-" abstract name), or not.
// Addresses too short for their family are not destinations: the kernel rejects them.
bool outside(const Destination& d, const std::string& allowed) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(&d.addr);
  if (d.len < sizeof(sa_family_t) || d.len > sizeof(sockaddr_storage)) return false;
  sa_family_t family = d.addr.ss_family;
  if (d.domain == AF_UNIX) {
    if (family != AF_UNIX || d.len <= offsetof(sockaddr_un, sun_path) || d.len > sizeof(sockaddr_un)) return false;
    const char* p = reinterpret_cast<const sockaddr_un&>(d.addr).sun_path;
    std::size_t n = std::min<std::size_t>(d.len - offsetof(sockaddr_un, sun_path), sizeof(sockaddr_un::sun_path));
    if (p[0] == '\0') return std::string(p + 1, n - 1).rfind("connfuzz-", 0) != 0;
    // The kernel follows the path itself when it exists, else looks in its directory.
    std::string path(p, strnlen(p, n));
    std::string where = real_path(path);
    if (where.empty()) where = real_path(path.substr(0, path.rfind('/')));
    return where.empty() || !(where == allowed || where.rfind(allowed + "/", 0) == 0);
  }
  if (family == AF_INET && d.len >= sizeof(sockaddr_in)) return v4_outside(bytes + 4);
  if (family == AF_INET6 && d.len >= 24) return v6_outside(bytes + 8);
  return false;
}

struct Walls {
  std::string dir, elsewhere;
  Walls() {
    char d[] = "/tmp/gp-XXXXXX", e[] = "/tmp/gpo-XXXXXX";
    dir = mkdtemp(d);
    elsewhere = mkdtemp(e);
    symlink(elsewhere.c_str(), (dir + "/out").c_str());
  }
  ~Walls() { connfuzz::testing::run_shell("rm -rf " + quote(dir) + " " + quote(elsewhere)); }
};

// The events the client's call on destination i made: those after its socket() and
// before the next. The client's last `count` socket() calls are its destinations'
// (if_nameindex, before them, may make one of its own).
std::vector<std::vector<connfuzz::tools::EventLine>> events_by_destination(const std::vector<std::string>& lines,
                                                                           std::size_t count) {
  std::vector<std::vector<connfuzz::tools::EventLine>> groups;
  for (const std::string& line : lines) {
    auto e = connfuzz::tools::parse_event_line(line);
    if (!e) continue;
    if (e->call == connfuzz::inject::Call::socket) groups.emplace_back();
    else if (!groups.empty()) groups.back().push_back(*e);
  }
  if (groups.size() > count) groups.erase(groups.begin(), groups.end() - static_cast<std::ptrdiff_t>(count));
  return groups;
}

// (backend, entry point)
class GuardProperty : public ::testing::TestWithParam<std::tuple<const char*, const char*>> {};

TEST_P(GuardProperty, NoDestinationOutsideTheWallsReachesTheKernel) {
  constexpr std::uint64_t kSeed = 20261121;
  constexpr int kCount = 3000;
  auto [backend, entry] = GetParam();
  Walls walls;
  std::string allowed = real_path(walls.dir);
  std::string log = walls.dir + "/events.log";
  // TMPDIR is the only directory AF_UNIX connects may reach.
  auto run = connfuzz::testing::run_shell("TMPDIR=" + quote(walls.dir) + " " + quote(CONNFUZZ_BINARY) + " run --backend " +
                                          backend + " --log " + quote(log) + " -- " + quote(GUARD_PROPERTY_CLIENT) + " " +
                                          std::to_string(kSeed) + " " + std::to_string(kCount) + " " + quote(walls.dir) +
                                          " " + entry);
  ASSERT_EQ(run.status, 0) << run.output;

  std::ifstream in(log);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  auto destinations = connfuzz::testing::random_destinations(kSeed, kCount, walls.dir);
  auto groups = events_by_destination(lines, destinations.size());
  ASSERT_EQ(groups.size(), destinations.size()) << "one socket per destination";
  connfuzz::inject::Call call = std::string(entry) == "connect" ? connfuzz::inject::Call::connect : connfuzz::inject::Call::send;

  int outside_count = 0, reached = 0, guarded = 0;
  std::map<std::string, int> guarded_by_form;
  std::ostringstream first_escapes;
  for (std::size_t i = 0; i < destinations.size(); ++i) {
    int calls = 0;
    bool by_guard = false;
    for (const auto& e : groups[i]) {
      calls += e.call == call;
      by_guard |= e.call == call && e.mark == LineMark::guard;
    }
    if (call == connfuzz::inject::Call::connect) {
      EXPECT_EQ(calls, 1) << "one connect for destination #" << i;
    }
    guarded += by_guard;
    if (!outside(destinations[i], allowed)) continue;
    ++outside_count;
    if (by_guard) {
      ++guarded_by_form[destinations[i].form];
    } else if (++reached <= 5) {
      first_escapes << "  destination #" << i << " (" << destinations[i].form << ", length " << destinations[i].len
                    << "): " << calls << " " << entry << " event(s), none from the guard\n";
    }
  }
  EXPECT_EQ(reached, 0) << "destinations outside the walls reached the kernel by " << entry << ":\n" << first_escapes.str();
  // Not vacuous: many were outside, every outside form was met, and the rest went through.
  EXPECT_GT(outside_count, kCount / 3);
  for (const char* form : {"ipv4", "0.0.0.0", "ipv6", "::", "v4-mapped", "v4-compatible", "link-local", "unix .. escape",
                           "unix link escape", "abstract"})
    EXPECT_GT(guarded_by_form[form], 0) << form;
  EXPECT_LT(guarded, kCount) << "the guard let nothing through at all";
}

class GuardSendmmsg : public ::testing::TestWithParam<const char*> {};

// The kernel stops at a message that fails and reports those sent before it: a refused
// destination is such a failure, under either backend.
TEST_P(GuardSendmmsg, SendsTheMessagesBeforeARefusedDestinationAndNoneAfter) {
  Walls walls;
  std::string log = walls.dir + "/events.log";
  auto run = connfuzz::testing::run_shell(quote(CONNFUZZ_BINARY) + " run --backend " + GetParam() + " --log " + quote(log) +
                                          " -- " + quote(GUARD_PROPERTY_CLIENT) + " 0 0 " + quote(walls.dir) +
                                          " sendmmsg-prefix");
  ASSERT_EQ(run.status, 0) << run.output;
  EXPECT_TRUE(run.says("sendmmsg = 1, received \"a\"")) << run.output;
  std::ifstream in(log);
  int guarded = 0;
  for (std::string line; std::getline(in, line);)
    if (auto e = connfuzz::tools::parse_event_line(line); e && e->mark == LineMark::guard) ++guarded;
  EXPECT_EQ(guarded, 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, GuardSendmmsg, ::testing::Values("preload", "seccomp"));

INSTANTIATE_TEST_SUITE_P(Backends, GuardProperty,
                         ::testing::Combine(::testing::Values("preload", "seccomp"),
                                            ::testing::Values("connect", "sendto", "sendmsg", "sendmmsg", "fastopen")),
                         [](const auto& info) {
                           return std::string(std::get<0>(info.param)) + "_" + std::get<1>(info.param);
                         });

}  // namespace
