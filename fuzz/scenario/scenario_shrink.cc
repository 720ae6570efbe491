// The shrinking steps: each candidate is the scenario with one rule, address or part of one removed or reset.
#include "scenario_shrink.h"

#include <algorithm>

namespace connfuzz::fuzz {
namespace {

void remove_rule(inject::Plan& plan, int index) {
  std::copy(plan.rules + index + 1, plan.rules + plan.rule_count, plan.rules + index);
  --plan.rule_count;
  plan.rules[plan.rule_count] = inject::Rule{};
}

}  // namespace

std::vector<Scenario> simpler_scenarios(const Scenario& s) {
  std::vector<Scenario> out;
  auto with = [&](auto change) {
    Scenario next = s;
    change(next);
    if (!(next == s)) out.push_back(std::move(next));
  };

  for (int i = 0; i < s.plan.rule_count; ++i) with([i](Scenario& n) { remove_rule(n.plan, i); });
  if (s.addresses.size() > 1)
    for (std::size_t i = 0; i < s.addresses.size(); ++i)
      with([i](Scenario& n) { n.addresses.erase(n.addresses.begin() + static_cast<std::ptrdiff_t>(i)); });

  for (std::size_t i = 0; i < s.addresses.size(); ++i) {
    const Address& a = s.addresses[i];
    if (a.bytes.size() > 1) with([i](Scenario& n) { n.addresses[i].bytes.resize(n.addresses[i].bytes.size() / 2); });
    if (!a.bytes.empty()) with([i](Scenario& n) { n.addresses[i].bytes.pop_back(); });
    if (a.destination == Destination::bytes)
      with([i](Scenario& n) {
        n.addresses[i].destination = Destination::listener;
        n.addresses[i].bytes.clear();
      });
    with([i](Scenario& n) { n.addresses[i].length = Length{}; });
  }

  for (int i = 0; i < s.plan.rule_count; ++i) {
    with([i](Scenario& n) {
      inject::Rule& r = n.plan.rules[i];
      r.which = inject::Which::Range;
      r.first = r.last = 1;
      r.percent = 0;
    });
    with([i](Scenario& n) { n.plan.rules[i].where = inject::Predicate{}; });
    with([i](Scenario& n) { n.plan.rules[i].eventual = 0; });
  }

  // Modes listed earlier in modes.def are the plainer callers of their fuzzer.
  for (Mode m : family_modes(mode_family(s.mode))) {
    if (m == s.mode) break;
    with([m](Scenario& n) { n.mode = m; });
  }
  with([](Scenario& n) { n.protocol = 0; });
  with([](Scenario& n) { n.plan.mode = inject::Mode::Realistic; });
  with([](Scenario& n) { n.plan.seed = 0; });
  with([](Scenario& n) { n.plan.hold = false; });
  return out;
}

}  // namespace connfuzz::fuzz
