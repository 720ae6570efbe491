// identify_fuzzer: a connfuzz fuzzer names its family; anything else is refused with a
// message naming the binary, and a file without connfuzz's entry points is never run.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "fuzzer_identity.h"
#include "usage_error.h"

namespace connfuzz::tools {
namespace {

std::string refusal(const std::string& binary) {
  try {
    identify_fuzzer(binary);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "";
}

TEST(FuzzerIdentity, AConnectFuzzerNamesItsFamilyAndFormat) {
  FuzzerIdentity id = identify_fuzzer(POSIX_FUZZER);
  EXPECT_EQ(id.family, "posix");
  EXPECT_EQ(id.format, "scenario");
  EXPECT_EQ(identify_fuzzer(FAKE_FUZZER).family, "posix");
}

TEST(FuzzerIdentity, AnythingElseIsRefusedByName) {
  for (std::string binary : {std::string(PLAN_FUZZER), std::string("/bin/true"), std::string("/nonexistent/fuzzer"),
                             std::string("/tmp")}) {
    std::string message = refusal(binary);
    EXPECT_NE(message.find(binary), std::string::npos) << binary << ": " << message;
  }
  EXPECT_NE(refusal(PLAN_FUZZER).find("is not a connfuzz fuzzer"), std::string::npos);
}

// A script that would leave a mark if it ran: it does not look like a fuzzer, so it never runs.
TEST(FuzzerIdentity, AFileWithoutTheEntryPointsIsNeverRun) {
  std::string dir = ::testing::TempDir() + "identity-" + std::to_string(getpid());
  mkdir(dir.c_str(), 0700);
  std::string script = dir + "/not-a-fuzzer", mark = dir + "/ran";
  std::ofstream(script) << "#!/bin/sh\ntouch " << mark << "\n";
  chmod(script.c_str(), 0700);
  EXPECT_NE(refusal(script).find("is not a connfuzz fuzzer"), std::string::npos);
  EXPECT_NE(access(mark.c_str(), F_OK), 0);
  unlink(script.c_str());
  rmdir(dir.c_str());
}

}  // namespace
}  // namespace connfuzz::tools
