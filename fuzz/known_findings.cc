// The documented findings, each described narrowly enough that a new bug does not hide behind it.
#include "known_findings.h"

#include <algorithm>
#include <cerrno>

namespace connfuzz::fuzz {
namespace {

bool first_address_is(const Scenario& s, int family) { return s.addresses.front().family == family; }

struct KnownFinding {
  std::string_view family;  // the fuzzer whose modes it concerns
  std::string_view oracle;
  bool (*matches)(const Scenario&, const targets::ConnectResult&, std::span<const inject::Event* const>);
  std::string_view section;
};

using Events = std::span<const inject::Event* const>;

bool asio_af_unspec(const Scenario& s, const targets::ConnectResult&, Events) { return first_address_is(s, AF_UNSPEC); }

// Asio's range_connect_op takes a socket it could not open for one the user closed.
bool asio_range_open_failure(const Scenario& s, const targets::ConnectResult& r, Events events) {
  bool open_failed = std::any_of(events.begin(), events.end(),
                                 [](auto* e) { return e->call == inject::Call::socket && e->result < 0; });
  return s.mode == Mode::asio_async_range && r.err == ECANCELED && open_failed;
}

constexpr KnownFinding kKnown[] = {
    {"asio", "false-success", asio_af_unspec, "asio-connect-af-unspec"},
    {"endpoint", "false-success", asio_af_unspec, "asio-connect-af-unspec"},
    {"asio", "unexplained-failure", asio_range_open_failure, "asio-async-range-open-failure"},
    {"asio", "still-connecting-failure", asio_range_open_failure, "asio-async-range-open-failure"},
    {"kernel", "undocumented-errno",
     [](const Scenario&, const targets::ConnectResult& r, Events) { return r.err == ESOCKTNOSUPPORT; },
     "kernel-socket-esocktnosupport"},
};

}  // namespace

std::string_view documented_finding(const Scenario& scenario, const targets::ConnectResult& result, Events events,
                                    const Finding& finding) {
  for (const auto& k : kKnown)
    if (mode_family(scenario.mode) == k.family && finding.oracle == k.oracle && k.matches(scenario, result, events))
      return k.section;
  return {};
}

}  // namespace connfuzz::fuzz
