// A file a user hands to decode, repro or minimize: its bytes (a text scenario is
// encoded first), the fuzz target it belongs to, and where that target's binary is.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace connfuzz::tools {

// The whole file ("-": standard input). Throws UsageError naming the file when it is missing, a directory,
// unreadable or too large to be a fuzz input.
std::string read_user_file(const std::string& path);

struct FindingFile {
  std::string path;
  std::vector<std::uint8_t> bytes;  // what the fuzzer reads
  bool text = false;                // the file was a scenario's text (FILE.txt)
  std::string fuzzer;               // "posix", "example_eagain_spin", ...
  std::string fuzzer_reason;        // why that one: "--target", "# fuzzer: line", ...
  bool guessed = false;             // nothing named it: the bytes mean another mode on another fuzzer
};

// Reads a libFuzzer/AFL++/corpus file or a scenario text, and picks its fuzzer: the
// one given (`target`), a "# fuzzer:" line, a directory on the path named after a
// fuzzer (corpus/posix/, fuzz-work/asio/findings/), or else the family of the mode
// the bytes decode to. Throws UsageError for a bad file, text or target name.
FindingFile read_finding_file(const std::string& path, const std::string& target);

// Where the fuzzer binaries are: `dir` if given, else $CONNFUZZ_FUZZER_DIR, else beside this executable.
std::filesystem::path fuzzers_dir(const std::string& dir);

// Why NAME_fuzzer is not in fuzzers_dir(dir) when the build skipped it (a library family
// whose library was not installed: targets/libraries/); empty when it did not.
std::string not_built_reason(const std::string& fuzzer, const std::string& dir);

// Where the fuzzer binaries are: `dir` if given, else $CONNFUZZ_FUZZER_DIR, else beside
// this executable. Throws UsageError when NAME_fuzzer is not there.
std::string fuzzer_binary(const std::string& fuzzer, const std::string& dir);

// The repository's docs/findings/, looked for upwards from this executable and from
// the working directory; empty when neither has it.
std::filesystem::path documented_findings_dir();

// A --findings argument: a file, or every fuzzer input in a directory (a fuzzer's
// findings/, docs/findings/): not READMEs, not matrix cells (FILE.cell, for their
// programs). UsageError naming `command` when there is no such path.
void add_finding_files(const std::string& command, const std::string& arg, std::vector<std::string>& files);

// The name of the documented finding (docs/findings/NAME.txt) whose "# expect:"
// pattern the output matches; empty when none does.
std::string documented_finding_in(const std::string& output);

}  // namespace connfuzz::tools
