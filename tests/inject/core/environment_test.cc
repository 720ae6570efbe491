// environment.def: one row per CONNFUZZ_* variable, and the nearest name for a misspelt one.
#include "environment.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace {

using connfuzz::inject::environment_rows;
using connfuzz::inject::EnvVar;
using connfuzz::inject::nearest_environment_name;

TEST(EnvironmentTable, NamesAreUniqueAndStartWithConnfuzz) {
  std::set<std::string_view> names;
  for (const auto& row : environment_rows()) {
    SCOPED_TRACE(std::string(row.name));
    EXPECT_TRUE(row.name.starts_with("CONNFUZZ_"));
    EXPECT_TRUE(names.insert(row.name).second) << "twice in environment.def";
  }
}

TEST(EnvironmentTable, EveryRowSaysItsDefaultAndMeaning) {
  for (const auto& row : environment_rows()) {
    SCOPED_TRACE(std::string(row.name));
    EXPECT_FALSE(row.fallback.empty());
    EXPECT_FALSE(row.meaning.empty());
  }
}

TEST(EnvironmentTable, RowsAreInTheOrderOfTheEnum) {
  std::size_t i = 0;
  for (const auto& row : environment_rows()) EXPECT_EQ(static_cast<std::size_t>(row.var), i++);
}

TEST(EnvironmentTable, NameIsTheNameOfTheRow) {
  for (const auto& row : environment_rows()) EXPECT_EQ(connfuzz::inject::env_name(row.var), row.name);
  EXPECT_STREQ(connfuzz::inject::env_name(EnvVar::trace), "CONNFUZZ_TRACE");
}

TEST(EnvironmentTable, ValueIsTheVariableOfTheRow) {
  ASSERT_EQ(setenv("CONNFUZZ_TRACE", "yes", 1), 0);
  ASSERT_NE(connfuzz::inject::env_value(EnvVar::trace), nullptr);
  EXPECT_STREQ(connfuzz::inject::env_value(EnvVar::trace), "yes");
  unsetenv("CONNFUZZ_TRACE");
  EXPECT_EQ(connfuzz::inject::env_value(EnvVar::trace), nullptr);
}

struct Misspelling {
  const char* name;
  const char* nearest;  // nullptr: no suggestion
};

TEST(EnvironmentTable, NearestNameIsTheCloseKnownOneOrNone) {
  const Misspelling cases[] = {
      {"CONNFUZZ_TRASE", "CONNFUZZ_TRACE"},
      {"CONNFUZZ_PLANS", "CONNFUZZ_PLAN"},
      {"CONNFUZZ_ALLOW_UNX", "CONNFUZZ_ALLOW_UNIX"},
      {"CONNFUZZ_CALLBUDGET", "CONNFUZZ_CALL_BUDGET"},
      {"CONNFUZZ_NOTHING_LIKE_IT", nullptr},
      {"CONNFUZZ_", nullptr},
      {"CONNFUZZ_TRACE", nullptr},  // known: nothing to suggest
  };
  for (const Misspelling& c : cases) {
    SCOPED_TRACE(c.name);
    const char* got = nearest_environment_name(c.name);
    if (c.nearest == nullptr)
      EXPECT_EQ(got, nullptr) << got;
    else
      EXPECT_STREQ(got, c.nearest);
  }
}

TEST(EnvironmentTable, AVeryLongNameHasNoSuggestionAndNoOverflow) {
  EXPECT_EQ(nearest_environment_name("CONNFUZZ_" + std::string(10000, 'X')), nullptr);
}

TEST(EnvironmentTable, WarnsOnceOfEachUnknownConnfuzzVariable) {
  ASSERT_EQ(setenv("CONNFUZZ_TRASE", "1", 1), 0);
  ASSERT_EQ(setenv("CONNFUZZ_NOTHING_LIKE_IT", "1", 1), 0);
  ASSERT_EQ(setenv("CONNFUZZ_PLAN", "", 1), 0);
  testing::internal::CaptureStderr();
  connfuzz::inject::warn_unknown_environment("unit");
  connfuzz::inject::warn_unknown_environment("unit");  // once a process
  std::string said = testing::internal::GetCapturedStderr();
  unsetenv("CONNFUZZ_TRASE");
  unsetenv("CONNFUZZ_NOTHING_LIKE_IT");
  unsetenv("CONNFUZZ_PLAN");
  for (std::string line : {"connfuzz: unit: unknown environment variable CONNFUZZ_TRASE; did you mean CONNFUZZ_TRACE?\n",
                           "connfuzz: unit: unknown environment variable CONNFUZZ_NOTHING_LIKE_IT (connfuzz --help-env "
                           "lists them)\n"}) {
    std::size_t at = said.find(line);
    EXPECT_NE(at, std::string::npos) << said;
    EXPECT_EQ(said.find(line, at + 1), std::string::npos) << "twice: " << said;
  }
  EXPECT_EQ(said.find("CONNFUZZ_PLAN"), std::string::npos) << said;
}

}  // namespace
