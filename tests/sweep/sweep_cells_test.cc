// The sweep's cells: what depth 1, depth 2 and the malformed addresses hold, and that a
// scenario file can say every one of them.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "sweep_cells.h"

namespace connfuzz::tools {
namespace {

using inject::Call;

std::vector<std::string> texts(const std::vector<inject::Plan>& plans) {
  std::vector<std::string> out;
  for (const inject::Plan& p : plans) out.push_back(inject::to_text(p));
  return out;
}

bool holds(const std::vector<std::string>& plans, const std::string& plan) {
  return std::find(plans.begin(), plans.end(), plan) != plans.end();
}

const std::vector<Site> kNonBlocking = {{Call::socket, 1}, {Call::fcntl, 1}, {Call::connect, 1},
                                        {Call::poll, 1},   {Call::so_error, 1}, {Call::close, 1}};

TEST(SweepCells, DepthOneHoldsEveryErrnoOnceAndOnwardAndEveryActionAtEachConnect) {
  std::vector<std::string> plans = texts(single_fault_plans(kNonBlocking, false));
  for (const char* plan : {"socket@1=EMFILE", "socket@1-=EMFILE", "connect@1=ECONNREFUSED", "connect@1-=ECONNREFUSED",
                           "connect@1=EINTR", "connect@1-=EINTR", "connect@1=EINPROGRESS>ECONNREFUSED", "poll@1=EINTR",
                           "getsockopt.SO_ERROR@1=ENOSR", "close@1=EIO", "connect@1=!SIGALRM", "connect@1-=!SIGALRM",
                           "connect@1=!SIGVTALRM", "connect@1=+250ms", "connect@1-=+3s", "connect@1=+3s>ECONNREFUSED",
                           "connect@1=CANCEL", "connect@1=+130s poll@1-=+400ms>EINTR"})
    EXPECT_TRUE(holds(plans, plan)) << plan;
  // No endless EINTR on a wait (retrying it is the documented answer), and the rows
  // impossible on a live socket only in any mode.
  EXPECT_FALSE(holds(plans, "poll@1-=EINTR"));
  EXPECT_FALSE(holds(plans, "connect@1=EBADF"));
  EXPECT_TRUE(holds(texts(single_fault_plans(kNonBlocking, true)), "connect@1=EBADF mode=any"));
}

TEST(SweepCells, EveryCellHasAByteFormThatDecodesToItself) {
  fuzz::Scenario base;
  base.mode = fuzz::Mode::posix_nonblocking;
  std::vector<inject::Plan> plans = single_fault_plans(kNonBlocking, true);
  std::vector<inject::Plan> pairs = pair_plans(inject::parse_plan("connect@1=EINTR"), kNonBlocking, false);
  plans.insert(plans.end(), pairs.begin(), pairs.end());
  for (const inject::Plan& plan : plans) {
    fuzz::Scenario s = base;
    s.plan = plan;
    EXPECT_EQ(fuzz::decode(fuzz::encode(s)), s) << inject::to_text(plan);
  }
  for (const AddressCase& a : address_cases(base)) EXPECT_EQ(fuzz::decode(fuzz::encode(a.scenario)), a.scenario) << a.label;
}

TEST(SweepCells, APairStartsWithAFaultThatSaysTheAttemptGoesOn) {
  for (const char* plan : {"connect@1=EINTR", "connect@2=EINPROGRESS", "connect@1=EALREADY", "connect@1=!SIGALRM",
                           "connect@1=+3s", "poll@1=EINTR", "epoll_wait@2=EINTR"})
    EXPECT_TRUE(starts_a_pair(inject::parse_plan(plan))) << plan;
  for (const char* plan : {"connect@1=ECONNREFUSED", "connect@1-=EINTR", "connect@1=EINTR>ECONNREFUSED", "connect@1=CANCEL",
                           "close@1=EINTR", "poll@1=ENOMEM", "connect@1=EINTR poll@1=EINTR"})
    EXPECT_FALSE(starts_a_pair(inject::parse_plan(plan))) << plan;
}

TEST(SweepCells, LaterSitesAreThoseAfterTheFaultOnTheSameAttempt) {
  std::vector<Site> list = {{Call::socket, 1}, {Call::connect, 1}, {Call::connect, 2}, {Call::poll, 1},
                            {Call::socket, 2}, {Call::connect, 3}};
  EXPECT_EQ(later_sites(list, {Call::connect, 1}), (std::vector<Site>{{Call::connect, 2}, {Call::poll, 1}}));
  EXPECT_EQ(later_sites(list, {Call::connect, 3}), std::vector<Site>{});
  EXPECT_EQ(later_sites(list, {Call::close, 1}), std::vector<Site>{});  // a site the run never made
  EXPECT_EQ(site_of(inject::parse_plan("connect@2=EINTR")), (Site{Call::connect, 2}));
}

TEST(SweepCells, DepthTwoPairsTheFirstFaultWithEachLaterOne) {
  std::vector<std::string> pairs =
      texts(pair_plans(inject::parse_plan("connect@1=EINTR"), {{Call::connect, 2}, {Call::poll, 1}}, false));
  EXPECT_TRUE(holds(pairs, "connect@1=EINTR connect@2=EALREADY"));
  EXPECT_TRUE(holds(pairs, "connect@1=EINTR connect@2-=EINTR"));
  EXPECT_TRUE(holds(pairs, "connect@1=EINTR poll@1=EINTR"));
  EXPECT_TRUE(holds(pairs, "connect@1=EINTR connect@2=!SIGALRM"));
  for (const std::string& p : pairs) EXPECT_TRUE(p.starts_with("connect@1=EINTR ")) << p;
}

TEST(SweepCells, MalformedAddressesAreConnectContractsList) {
  fuzz::Scenario base;
  base.mode = fuzz::Mode::posix_blocking;
  std::vector<AddressCase> cases = address_cases(base);
  std::set<std::string> labels;
  for (const AddressCase& a : cases) {
    EXPECT_TRUE(labels.insert(a.label).second) << a.label;
    EXPECT_EQ(a.scenario.mode, base.mode);
    ASSERT_EQ(a.scenario.addresses.size(), 1u);
    EXPECT_EQ(a.scenario.addresses[0].family, a.scenario.domain) << a.label;
  }
  EXPECT_EQ(cases.size(), 3 * 8 + 6u);
  auto path_of = [&](const std::string& label) {
    auto it = std::find_if(cases.begin(), cases.end(), [&](const AddressCase& a) { return a.label == label; });
    return it == cases.end() ? std::vector<std::uint8_t>{} : it->scenario.addresses[0].bytes;
  };
  EXPECT_EQ(path_of("AF_UNIX path of 109 bytes, no NUL").size(), 109u);
  EXPECT_EQ(path_of("AF_UNIX path of 107 bytes and its NUL").size(), 108u);
  EXPECT_EQ(path_of("AF_UNIX path of 107 bytes and its NUL").back(), 0);
  EXPECT_TRUE(labels.count("AF_INET6 listener, length 2^31 (negative as an int)"));
  EXPECT_TRUE(labels.count("AF_INET listener, length 0"));
}

}  // namespace
}  // namespace connfuzz::tools
