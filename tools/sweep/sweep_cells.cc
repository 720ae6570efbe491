// The sweep's plans (the matrix's choice of faults, at a fuzz target's sites) and its
// malformed addresses.
#include "sweep_cells.h"

#include <algorithm>
#include <csignal>

#include "actions.h"
#include "matrix.h"

namespace connfuzz::tools {
namespace {

using inject::Action;
using inject::Call;
using inject::Plan;
using inject::Rule;

// The longest delay a scenario file holds (scenario.cc's kDelays): the matrix's hour-long
// handshake becomes this, still past Linux's own give-up and every target's deadline.
constexpr std::int64_t kLongestDelayNs = 130'000'000'000;
// The highest call index a scenario file holds.
constexpr unsigned long kHighestIndex = 256;

Plan in_byte_form(Plan plan) {
  for (int i = 0; i < plan.rule_count; ++i)
    if (plan.rules[i].action == Action::delay) plan.rules[i].delay_ns = std::min(plan.rules[i].delay_ns, kLongestDelayNs);
  return plan;
}

bool is_connect_action(const Plan& plan) {
  return plan.rule_count == 1 && plan.rules[0].call == Call::connect && plan.rules[0].action != Action::errno_value;
}

Plan onward(Plan plan) {
  plan.rules[0].last = Rule::kOpenEnd;
  return plan;
}

// A real SIGVTALRM, which the harness handles with SA_RESTART: the kernel restarts connect.
Plan restarted_signal(unsigned long index, bool any_mode) {
  Plan plan;
  Rule& rule = plan.rules[plan.rule_count++];
  rule.first = rule.last = static_cast<std::uint32_t>(index);
  rule.action = Action::signal;
  rule.signal = SIGVTALRM;
  if (any_mode) plan.mode = inject::Mode::Any;
  return plan;
}

}  // namespace

std::vector<Plan> single_fault_plans(const std::vector<Site>& sites, bool any_mode) {
  fuzz::CleanRun clean;
  clean.sites = sites;
  CellFilter filter;
  filter.any_mode = any_mode;
  filter.max_index = kHighestIndex;
  filter.actions = {Action::signal, Action::delay, Action::cancel};
  std::vector<MatrixCell> cells = plan_cells(clean, filter);
  std::vector<Plan> plans;
  // Room for each once and onward (1.5 KB a plan: growing would touch every page twice).
  plans.reserve(2 * (cells.size() + sites.size()));
  for (const MatrixCell& cell : cells) plans.push_back(in_byte_form(inject::parse_plan(cell.plan)));
  for (auto [call, index] : sites)
    if (call == Call::connect && index <= kHighestIndex) plans.push_back(restarted_signal(index, any_mode));
  // The matrix acts once at each connect; the sweep also from that connect on.
  std::size_t once = plans.size();
  for (std::size_t i = 0; i < once; ++i)
    if (is_connect_action(plans[i])) plans.push_back(onward(plans[i]));
  return plans;
}

bool starts_a_pair(const Plan& plan) {
  if (plan.rule_count != 1) return false;
  const Rule& r = plan.rules[0];
  if (r.which != inject::Which::Range || r.first != r.last || r.eventual != 0) return false;
  if (inject::is_wait_call(r.call)) return r.action == Action::errno_value && r.err == EINTR;
  if (r.call != Call::connect) return false;
  if (r.action == Action::signal || r.action == Action::delay) return true;
  return r.action == Action::errno_value && (r.err == EINTR || r.err == EINPROGRESS || r.err == EALREADY);
}

std::vector<Site> later_sites(const std::vector<Site>& sites, const Site& fault) {
  auto at = std::find(sites.begin(), sites.end(), fault);
  std::vector<Site> later;
  if (at == sites.end()) return later;
  for (++at; at != sites.end() && at->first != Call::socket; ++at) later.push_back(*at);
  return later;
}

Site site_of(const Plan& plan) { return {plan.rules[0].call, plan.rules[0].first}; }

std::vector<Plan> pair_plans(const Plan& first, const std::vector<Site>& later, bool any_mode) {
  std::vector<Plan> pairs;
  for (const Plan& second : single_fault_plans(later, any_mode)) {
    Plan pair = first;
    for (int i = 0; i < second.rule_count; ++i) pair.rules[pair.rule_count++] = second.rules[i];
    pairs.push_back(pair);
  }
  return pairs;
}

namespace {

struct LengthCase {
  fuzz::Length length;
  const char* label;
};

// At and around the true size, the sizes that bound it, and lengths negative as an int.
constexpr LengthCase kLengths[] = {
    {{false, 0}, "length 0"},
    {{false, 1}, "length 1 (less than sa_family_t)"},
    {{true, -1}, "length one short of the true size"},
    {{true, 1}, "length one past the true size"},
    {{false, sizeof(sockaddr_storage)}, "length sizeof(sockaddr_storage)"},
    {{false, sizeof(sockaddr_storage) + 1}, "length one past sizeof(sockaddr_storage)"},
    {{false, 0x80000000}, "length 2^31 (negative as an int)"},
    {{false, 0xffffffff}, "length 2^32-1 (-1 as an int)"},
};

// sun_path is 108 bytes: a path that fills it less one (room for its NUL), all of it, and one more.
constexpr std::size_t kPathLengths[] = {107, 108, 109};

std::string family_name(int family) { return family == AF_INET ? "AF_INET" : family == AF_INET6 ? "AF_INET6" : "AF_UNIX"; }

fuzz::Scenario with_address(const fuzz::Scenario& base, int family, const fuzz::Address& address) {
  fuzz::Scenario s = base;
  s.domain = family;
  s.addresses = {address};
  return s;
}

}  // namespace

std::vector<AddressCase> address_cases(const fuzz::Scenario& base) {
  std::vector<AddressCase> cases;
  for (int family : {AF_INET, AF_INET6, AF_UNIX})
    for (const LengthCase& c : kLengths) {
      fuzz::Address a{fuzz::Destination::listener, family, c.length, {}};
      cases.push_back({family_name(family) + " listener, " + c.label, with_address(base, family, a)});
    }
  for (std::size_t n : kPathLengths)
    for (bool nul : {true, false}) {
      std::string path = "/tmp/" + std::string(n - 5, 'p');
      fuzz::Address a{fuzz::Destination::bytes, AF_UNIX, {}, {path.begin(), path.end()}};
      if (nul) a.bytes.push_back(0);
      cases.push_back({"AF_UNIX path of " + std::to_string(n) + " bytes" + (nul ? " and its NUL" : ", no NUL"),
                       with_address(base, AF_UNIX, a)});
    }
  return cases;
}

}  // namespace connfuzz::tools
