// `connfuzz sweep`'s cells: what a fault-free run and a first fault's run teach, turned
// into the plans and addresses to run next. Pure: no process runs here.
#pragma once

#include <string>
#include <vector>

#include "plan.h"
#include "scenario.h"
#include "sweep_protocol.h"

namespace connfuzz::tools {

using fuzz::Site;

// Depth 1 at the sites a run made: every documented errno of each call (the "Never" rows
// only in any mode) once at that call and from that call on, the refused end of a
// still-connecting connect, and the actions at each connect (a real SIGALRM and a
// restarted SIGVTALRM, slow networks, a slow network whose every wait is interrupted,
// a cancellation), as the matrix chooses them, held to what a scenario file can say.
std::vector<inject::Plan> single_fault_plans(const std::vector<Site>& sites, bool any_mode);

// A fault that says the attempt goes on, at one call: EINTR, EINPROGRESS or EALREADY from
// connect, a signal or a slow network inside it, EINTR from a wait. Depth 2 starts there.
bool starts_a_pair(const inject::Plan& plan);

// The sites a run made after `fault` on the same attempt: from the next one seen up to
// the next socket() (where another attempt starts).
std::vector<Site> later_sites(const std::vector<Site>& sites, const Site& fault);
// Where a one-rule plan strikes first: connect@2=... is {connect, 2}.
Site site_of(const inject::Plan& plan);

// Depth 2: `first` with each depth-1 fault of the later sites.
std::vector<inject::Plan> pair_plans(const inject::Plan& first, const std::vector<Site>& later, bool any_mode);

// connect-contract.md's malformed addresses on the scenario's own mode and socket type:
// for AF_INET, AF_INET6 and AF_UNIX, the harness's listener with a length of 0, 1, one
// short of and one past the true size, sizeof(sockaddr_storage) and one past it, and
// values a signed int makes negative; AF_UNIX paths of 107, 108 and 109 bytes, with and
// without a NUL.
struct AddressCase {
  std::string label;  // "AF_UNIX path of 109 bytes, no NUL"
  fuzz::Scenario scenario;
};
std::vector<AddressCase> address_cases(const fuzz::Scenario& base);

}  // namespace connfuzz::tools
