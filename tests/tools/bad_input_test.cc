// Issue 7's table of bad input: plans, command lines, corrupt and truncated files,
// unreadable files, a directory where a file belongs, enormous arguments. Each is
// answered with exit status 2 and a message naming the problem; under the asan preset
// none may crash (a sanitizer report would change the status and the output).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "connfuzz_command.h"

namespace {

namespace fs = std::filesystem;
using connfuzz::testing::connfuzz;
using connfuzz::testing::quote;

struct BadInput {
  const char* name;
  std::string args;     // "DIR" stands for the fixture's directory of prepared files
  const char* message;  // what the message must name
};
// gtest prints a case by this, not as its bytes.
void PrintTo(const BadInput& c, std::ostream* os) { *os << c.name << ": connfuzz " << c.args; }

std::string big(std::size_t n, const std::string& unit) {
  std::string out;
  while (out.size() < n) out += unit;
  return out;
}

const std::string kClient = quote(EXAMPLE_CLIENT);

// " --allow-unix DIR/d1 ... --allow-unix DIR/d9": the fixture makes them.
std::string nine_dirs() {
  std::string out;
  for (int i = 1; i <= 9; ++i) out += " --allow-unix DIR/d" + std::to_string(i);
  return out;
}
const std::string kHuge = big(100000, "x");  // under the kernel's 128 KiB for one argument

const BadInput kCases[] = {
    // Plans.
    {"plan_empty", "plan ''", "found an empty plan"},
    {"plan_index_zero", "plan connect@0=EINTR", "call indexes start at 1"},
    {"plan_unknown_errno", "plan connect@1=EBOGUS", "unknown errno 'EBOGUS'"},
    {"plan_unknown_call", "plan conect@1=EINTR", "did you mean connect?"},
    {"plan_percent_over", "plan 'connect%101=EINTR'", "at most 100"},
    {"plan_bad_seed", "plan 'connect@1=EINTR seed=x'", "expected a seed"},
    {"plan_bad_filter", "plan 'connect[nope]@1=EINTR'", "inside [...]"},
    {"plan_outcome_pending", "plan 'connect@1=EINPROGRESS>EINTR'", "must be a final error"},
    {"plan_outcome_wrong_call", "plan 'poll@1=EINTR>ECONNREFUSED'", "'>' gives how a pending connect ends"},
    {"plan_undocumented", "plan connect@1=EDOM", "EDOM"},
    {"plan_bad_mode", "plan 'connect@1=EINTR mode=sometimes'", "expected mode=realistic or mode=any"},
    {"plan_too_many_rules", "plan " + quote(big(2000, "connect@1=EINTR;")), "at most 32 rules"},
    {"plan_enormous_token", "plan " + quote("connect@1=" + big(100000, "E")), "unknown errno"},
    {"plan_garbage_bytes", "plan " + quote("\x01\x02\x03"), "bad plan: column 1"},
    {"plan_unknown_signal", "plan 'connect@1=!SIGFOO'", "unknown signal 'SIGFOO'"},
    {"plan_uncatchable_signal", "plan 'connect@1=!SIGKILL'", "cannot be caught"},
    {"plan_negative_delay", "plan 'connect@1=-250ms'", "positive duration"},
    {"plan_absurd_delay", "plan 'connect@1=+100000000s'", "at most"},
    {"plan_delay_over_an_hour", "plan 'connect@1=+2h'", "unit (ns, us, ms or s)"},
    {"plan_cancel_no_cancellation_point", "plan getsockopt@1=CANCEL", "not a cancellation point"},
    {"run_actions_under_seccomp", "run --backend seccomp --plan 'connect@1=+1s' -- true", "errnos only"},
    // run.
    {"run_no_program", "run", "no program given"},
    {"run_plan_file_is_dir", "run --plan-file DIR -- true", "is a directory, not a plan file"},
    {"run_plan_file_missing", "run --plan-file DIR/missing -- true", "cannot read --plan-file"},
    {"run_plan_file_empty", "run --plan-file DIR/empty -- true", "holds no rule"},
    {"run_plan_and_file", "run --plan connect@1=EINTR --plan-file DIR/empty -- true", "not both"},
    {"run_timeout_negative", "run --timeout -1 -- true", "--timeout must be from 0"},
    {"run_timeout_word", "run --timeout soon -- true", "--timeout"},
    {"run_mode", "run --mode maybe -- true", "--mode"},
    {"run_allow_unix_missing", "run --allow-unix DIR/missing -- true", "is not a directory"},
    {"run_allow_unix_enormous", "run --allow-unix /" + kHuge + " -- true", "more characters"},
    // $TMPDIR and 7 more: the eighth is the first the guard cannot take.
    {"run_allow_unix_nine", "run" + nine_dirs() + " -- true", "/d8': the guard takes at most 8 directories"},
    {"run_seccomp_allow_unix_nine", "run --backend seccomp" + nine_dirs() + " -- true", "/d8': the guard takes at most"},
    {"run_program_missing", "run -- DIR/no-such-program", "cannot find program"},
    {"run_backend", "run --backend ptrace -- true", "--backend"},
    {"run_seccomp_no_netns", "run --backend seccomp --no-netns -- true", "needs the private network namespace"},
    // matrix.
    {"matrix_no_program", "matrix", "no program given"},
    {"matrix_unknown_call", "matrix --calls conect -- " + kClient + " blocking", "unknown call 'conect'"},
    {"matrix_unknown_errno", "matrix --errnos EFOO -- " + kClient + " blocking", "'EFOO' is no errno"},
    {"matrix_jobs", "matrix --jobs 100000 -- " + kClient + " blocking", "--jobs must be from 1 to 256"},
    {"matrix_timeout", "matrix --timeout 0 -- " + kClient + " blocking", "--timeout must be more than 0"},
    {"matrix_clean_run_fails", "matrix -- false", "exited 1 without any fault"},
    {"matrix_no_connect_path", "matrix -- true", "made no call on a connect path"},
    {"matrix_allow_unix_nine", "matrix" + nine_dirs() + " -- " + kClient + " blocking", "/d8': the guard takes"},
    {"matrix_out_unwritable", "matrix --out DIR/missing/r.md -- " + kClient + " blocking", "missing/r.md"},
    // decode, encode, repro, minimize: files.
    {"decode_directory", "decode DIR", "is a directory; give one file"},
    {"decode_missing", "decode DIR/missing", "cannot read"},
    {"decode_unreadable", "decode /proc/self/mem", "Input/output error"},
    {"encode_corrupt_text", "encode -f DIR/corrupt.txt", "line 3"},
    {"encode_truncated_text", "encode -f DIR/truncated.txt", "line 1"},
    {"encode_file_is_directory", "encode -f DIR", "is a directory"},
    {"encode_binary_file", "encode -f /bin/true", "line 1"},
    {"encode_out_unwritable", "encode -o DIR/missing/x -f DIR/good.txt", "missing/x"},
    {"repro_directory", "repro DIR", "is a directory; give one file"},
    {"repro_missing", "repro DIR/missing", "cannot read"},
    {"repro_unknown_target", "repro --target nosuch DIR/empty", "--target nosuch: no such fuzzer"},
    {"repro_timeout_zero", "repro --timeout 0 DIR/empty", "--timeout must be a number above 0"},
    {"repro_corrupt_text", "repro DIR/corrupt.txt", "line 3"},
    {"repro_bad_cell", "repro DIR/bad.cell", "unknown key 'colour'"},
    {"repro_no_fuzzers", "repro --fuzzers DIR/missing DIR/empty", "no posix_fuzzer in"},
    {"minimize_max_runs", "minimize --max-runs 0 DIR/empty", "--max-runs must be a number above 0"},
    {"minimize_out_unwritable", "minimize -o DIR/missing/x DIR/empty", "missing/x"},
    // report and nightly.
    {"report_format", "report --format pdf", "--format"},
    {"report_corpus_missing", "report --corpus DIR/missing", "no corpus directory"},
    {"report_findings_missing", "report --findings DIR/missing", "no such file or directory"},
    {"report_out_unwritable", "report --out DIR/missing/r.md", "missing/r.md"},
    {"nightly_time", "nightly --time 0", "--time must be from 1"},
    // --fuzzer names a binary of anyone's: one that is no connfuzz fuzzer is refused by name.
    {"repro_fuzzer_not_one", "repro --fuzzer /bin/true DIR/good.txt", "'/bin/true' is not a connfuzz fuzzer"},
    {"minimize_fuzzer_not_one", "minimize --fuzzer /bin/true DIR/good.txt", "'/bin/true' is not a connfuzz fuzzer"},
    {"report_fuzzer_not_one", "report --fuzzer /bin/true --corpus DIR", "'/bin/true' is not a connfuzz fuzzer"},
    {"report_fuzzer_no_corpus", "report --fuzzer /bin/true", "--fuzzer needs --corpus DIR"},
    {"nightly_fuzzer_not_one", "nightly --fuzzer /bin/true --corpus DIR", "'/bin/true' is not a connfuzz fuzzer"},
    {"nightly_fuzzer_and_only", "nightly --fuzzer /bin/true --only posix --corpus DIR", "--fuzzer runs that fuzzer alone"},
    {"coverage_fuzzer_missing", "coverage --fuzzer DIR/missing DIR", "no such program"},
    {"nightly_only", "nightly --only posixx", "is not one of the real fuzzers"},
    {"nightly_with", "nightly --with posix", "--with takes a buggy example's fuzzer"},
    // The command line itself.
    {"unknown_command", "frobnicate", "unknown command 'frobnicate'"},
    {"unknown_option", "--frobnicate", "unknown option '--frobnicate'"},
    {"dashes_after_other_command", "errnos -- connect", "'--' and a program follow only 'run' and 'matrix'"},
    {"errnos_unknown_call", "errnos bogus", "unknown call 'bogus'"},
    {"errnos_extra_argument", "errnos connect extra", "extra"},
};

class BadInputTest : public ::testing::TestWithParam<BadInput> {
 protected:
  // ctest runs each case as a process of its own, at the same time as others: each
  // process prepares its own files.
  static void SetUpTestSuite() {
    dir_ = fs::path(::testing::TempDir()) / ("bad-input-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    for (int i = 1; i <= 9; ++i) fs::create_directories(dir_ / ("d" + std::to_string(i)));
    std::ofstream(dir_ / "empty").close();
    std::ofstream(dir_ / "corrupt.txt") << "mode=posix_blocking\nsocket=AF_INET,SOCK_STREAM,0\nthis is no line\n";
    std::ofstream(dir_ / "truncated.txt") << "mode=";
    std::ofstream(dir_ / "good.txt") << "mode=posix_blocking\nsocket=AF_INET,SOCK_STREAM,0\nplan=\naddress=listener,AF_INET,length=true\n";
    std::ofstream(dir_ / "bad.cell") << "# connfuzz matrix cell\nplan=connect@1=EINTR\ncolour=blue\n";
  }
  static void TearDownTestSuite() { fs::remove_all(dir_); }
  static fs::path dir_;
};
fs::path BadInputTest::dir_;

TEST_P(BadInputTest, ExitsTwoAndNamesTheProblem) {
  std::string args = GetParam().args;
  for (std::size_t at; (at = args.find("DIR")) != std::string::npos;) args.replace(at, 3, dir_.string());
  auto result = connfuzz(args);
  EXPECT_EQ(result.status, 2) << result.output.substr(0, 2000);
  EXPECT_TRUE(result.says(GetParam().message)) << result.output.substr(0, 2000);
  EXPECT_TRUE(result.says("connfuzz: ")) << "the message says who is speaking";
  EXPECT_FALSE(result.says("Sanitizer")) << result.output.substr(0, 2000);
  EXPECT_LT(result.output.size(), 12000u) << "an enormous argument was quoted back whole";
}

INSTANTIATE_TEST_SUITE_P(Table, BadInputTest, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<BadInput>& info) { return std::string(info.param.name); });

TEST(BadInputTable, HoldsAtLeastFifty) { EXPECT_GE(std::size(kCases), 50u); }

}  // namespace
