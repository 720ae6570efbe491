// required_literal: the text a documented finding's pattern needs before its regex runs.
// What it returns must be in every line the regex matches, or a finding goes unnamed.
#include "required_literal.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

namespace connfuzz::tools {
namespace {

TEST(RequiredLiteral, PlainTextIsAllOfIt) {
  EXPECT_EQ(required_literal("documented finding \\(curl-x\\): unexplained-failure"),
            "documented finding (curl-x): unexplained-failure");
}

TEST(RequiredLiteral, TheLongestRunBetweenWildcards) {
  EXPECT_EQ(required_literal("ERROR: connfuzz: timeout-overrun: .*\\(documented: glib-connect-eintr-retry\\)"),
            "(documented: glib-connect-eintr-retry)");
}

TEST(RequiredLiteral, AQuantifiedCharacterIsNotRequired) {
  EXPECT_EQ(required_literal("abcd*ef"), "abc");
  EXPECT_EQ(required_literal("xy?zw"), "zw");
  EXPECT_EQ(required_literal("ab+"), "a");
  EXPECT_EQ(required_literal("abc{2,3}de"), "ab");
}

TEST(RequiredLiteral, AlternationRequiresNothing) {
  EXPECT_EQ(required_literal("connect failed|timed out"), "");
  EXPECT_EQ(required_literal("error: (EINTR|EAGAIN) seen"), "");
}

TEST(RequiredLiteral, GroupsAndBracketsEndARunAndGiveNothing) {
  EXPECT_EQ(required_literal("(optional text)?tail"), "tail");
  EXPECT_EQ(required_literal("a[]xyz]bc"), "bc");
  EXPECT_EQ(required_literal("[[:digit:]]+ bytes"), " bytes");
  EXPECT_EQ(required_literal("index [0-9]+ out"), "index ");
}

TEST(RequiredLiteral, ClassEscapesAreNotText) {
  EXPECT_EQ(required_literal("a\\wbcd"), "bcd");
  EXPECT_EQ(required_literal("^at\\.line$"), "at.line");
}

TEST(RequiredLiteral, AQuantifiedEscapeOrBracketIsNotRequired) {
  EXPECT_EQ(required_literal("ab\\.*c"), "ab");
  EXPECT_EQ(required_literal("xa\\\\*"), "xa");
  EXPECT_EQ(required_literal("[^]x]yz"), "yz");
}

// Every documented finding's pattern, on every line of every finding file and of the
// examples' expected outputs: wherever the regex matches, the literal is there.
TEST(RequiredLiteral, HoldsForEveryDocumentedPattern) {
  namespace fs = std::filesystem;
  std::vector<std::string> patterns, lines;
  for (const char* dir : {CONNFUZZ_SOURCE_DIR "/docs/findings", CONNFUZZ_SOURCE_DIR "/tests/fuzz/findings"}) {
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
      if (!entry.is_regular_file()) continue;
      std::ifstream in(entry.path());
      for (std::string line; std::getline(in, line);) {
        lines.push_back(line);
        if (line.starts_with("# expect: ")) patterns.push_back(line.substr(10));
      }
    }
  }
  ASSERT_GT(patterns.size(), 20u);
  std::size_t matched = 0;
  for (const std::string& p : patterns) {
    std::regex re;
    try {
      re = std::regex(p, std::regex::extended);
    } catch (const std::regex_error&) {
      continue;  // documented_finding_in skips it too
    }
    std::string literal = required_literal(p);
    for (std::string line : lines) {
      // The pattern's own line matches it only by accident; its quoted text stands in for output.
      if (line.starts_with("# expect: ")) line = line.substr(10);
      if (!std::regex_search(line, re)) continue;
      ++matched;
      EXPECT_NE(line.find(literal), std::string::npos) << "pattern: " << p << "\nliteral: " << literal << "\nline: " << line;
    }
  }
  EXPECT_GT(matched, 0u);
}

}  // namespace
}  // namespace connfuzz::tools
