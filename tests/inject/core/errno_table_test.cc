// The errno table: no duplicates, nothing the platform lacks, connect's 29 errnos.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

#include "errno_table.h"

namespace connfuzz::inject {
namespace {

TEST(ErrnoTable, HasNoDuplicateRows) {
  std::set<std::pair<Call, int>> seen;
  for (const ErrnoRow& row : errno_rows())
    EXPECT_TRUE(seen.emplace(row.call, row.err).second)
        << call_name(row.call) << " lists " << errno_name(row.err) << " twice";
}

TEST(ErrnoTable, ListsOnlyErrnosThePlatformDefines) {
  for (const ErrnoRow& row : errno_rows()) EXPECT_NE(errno_name(row.err), nullptr) << "errno " << row.err;
}

TEST(ErrnoTable, ConnectHasTheTwentyNineErrnosOfTheContract) {
  // The union in connect-contract.md, written out here as the specification to check against.
  const std::set<std::string> contract = {
      "EACCES", "EADDRINUSE", "EADDRNOTAVAIL", "EAFNOSUPPORT", "EAGAIN", "EALREADY", "EBADF", "ECONNREFUSED",
      "ECONNRESET", "EFAULT", "EHOSTUNREACH", "EINPROGRESS", "EINTR", "EINVAL", "EIO", "EISCONN", "ELOOP",
      "ENAMETOOLONG", "ENETDOWN", "ENETUNREACH", "ENOBUFS", "ENOENT", "ENOSR", "ENOTDIR", "ENOTSOCK",
      "EOPNOTSUPP", "EPERM", "EPROTOTYPE", "ETIMEDOUT"};
  std::set<std::string> table;
  for (const ErrnoRow& row : errno_rows())
    if (row.call == Call::connect) table.insert(errno_name(row.err));
  EXPECT_EQ(contract.size(), 29u);
  EXPECT_EQ(table, contract);
}

TEST(ErrnoTable, StillConnectingClassIsEinprogressEalreadyAndEintrForConnect) {
  std::set<std::string> still;
  for (const ErrnoRow& row : errno_rows())
    if (row.call == Call::connect && row.klass == ErrnoClass::StillConnecting) still.insert(errno_name(row.err));
  EXPECT_EQ(still, (std::set<std::string>{"EINPROGRESS", "EALREADY", "EINTR"}));
}

TEST(ErrnoTable, EveryCallHasRows) {
  for (int i = 0; i < kCallCount; ++i) {
    Call call = static_cast<Call>(i);
    EXPECT_TRUE(std::any_of(errno_rows().begin(), errno_rows().end(), [&](const ErrnoRow& r) { return r.call == call; }))
        << call_name(call) << " has no documented errno";
  }
}

TEST(ErrnoTable, EveryConnectRowNamesASource) {
  for (const ErrnoRow& row : errno_rows()) EXPECT_NE(row.sources, 0) << call_name(row.call) << " " << errno_name(row.err);
}

TEST(ErrnoTable, CallNamesRoundTrip) {
  for (int i = 0; i < kCallCount; ++i) {
    Call call = static_cast<Call>(i);
    EXPECT_EQ(call_from_name(call_name(call)), call);
  }
  EXPECT_FALSE(call_from_name("conect").has_value());
}

TEST(ErrnoTable, ErrnoTextAcceptsNamesNumbersAndAliases) {
  EXPECT_EQ(errno_from_text("EINTR"), EINTR);
  EXPECT_EQ(errno_from_text("4"), EINTR);
  EXPECT_EQ(errno_from_text("EWOULDBLOCK"), EAGAIN);
  EXPECT_FALSE(errno_from_text("EFOO").has_value());
  EXPECT_FALSE(errno_from_text("99999").has_value());
  EXPECT_FALSE(errno_from_text("4x").has_value());
  EXPECT_FALSE(errno_from_text("").has_value());
}

}  // namespace
}  // namespace connfuzz::inject
