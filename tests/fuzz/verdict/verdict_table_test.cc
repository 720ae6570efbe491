// The table of verdicts: every name unique and derived from its id, every row says what it means and which rule.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "verdict.h"

namespace connfuzz::fuzz {
namespace {

TEST(VerdictTable, EveryVerdictHasAUniqueNameAMeaningAndARule) {
  std::set<std::string_view> names;
  for (const VerdictRow& row : verdict_rows()) {
    EXPECT_TRUE(names.insert(row.name).second) << row.name;
    EXPECT_FALSE(row.meaning.empty()) << row.name;
    EXPECT_FALSE(row.rule.empty()) << row.name;
    EXPECT_EQ(verdict_name(row.verdict), row.name);
    EXPECT_EQ(verdict_named(row.name), row.verdict);
  }
  EXPECT_EQ(verdict_named("ok"), std::nullopt);
}

TEST(VerdictTable, SortsWorstFirstKeepingTheOrderWithinAVerdict) {
  std::vector<Finding> findings = {{Verdict::unexplained_failure, "a"}, {Verdict::spin, "b"}, {Verdict::socket_leak, "c"},
                                   {Verdict::spin, "d"}};
  sort_worst_first(findings);
  ASSERT_EQ(findings.size(), 4u);
  EXPECT_EQ(findings[0].reason, "b");
  EXPECT_EQ(findings[1].reason, "d");
  EXPECT_EQ(findings[2].reason, "c");
  EXPECT_EQ(findings[3].reason, "a");
}

TEST(VerdictTable, OneBudgetRuleForInputsAndCells) {
  EXPECT_EQ(call_budget(0), 2000u);        // a fuzz input: no fault-free run to scale by
  EXPECT_EQ(call_budget(10), 2000u);       // a small program: the floor
  EXPECT_EQ(call_budget(100), 5000u);      // a larger one: 50 calls per call of its fault-free run
}

}  // namespace
}  // namespace connfuzz::fuzz
