// The engine of builds without a fuzzer: replays files and directories through the
// fuzzer's entry points, so ctest runs every corpus file under the sanitizers.
// A FILE.txt is a scenario's text form and is encoded first. Flags ("-runs=1") are ignored.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "scenario.h"

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv);
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

namespace fs = std::filesystem;

[[noreturn]] void usage_error(const std::string& message) {
  std::cerr << "connfuzz replay: " << message << "\n";
  std::exit(2);
}

std::vector<std::uint8_t> read_input(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) usage_error("cannot read " + path.string() + ": " + std::strerror(errno));
  std::string content;
  try {
    content.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  } catch (const std::exception& e) {  // libstdc++ throws from underflow on a read error (EIO)
    usage_error("cannot read " + path.string() + ": " + e.what());
  }
  if (path.extension() != ".txt") return {content.begin(), content.end()};
  connfuzz::fuzz::TextError error;
  auto scenario = connfuzz::fuzz::parse_text(content, error);
  if (!scenario) usage_error(path.string() + ": " + error.what());
  try {
    return connfuzz::fuzz::encode(*scenario);
  } catch (const std::invalid_argument& e) {
    usage_error(path.string() + ": " + e.what());
  }
}

std::vector<fs::path> inputs_of(const std::string& arg) {
  std::error_code ec;
  if (!fs::exists(arg, ec)) usage_error("no such file or directory: " + arg);
  if (!fs::is_directory(arg, ec)) return {arg};
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(arg, ec))
    if (entry.is_regular_file()) files.push_back(entry.path());
  if (ec) usage_error("cannot list " + arg + ": " + ec.message());
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<fs::path> files;
  for (int i = 1; i < argc; ++i)
    if (argv[i][0] != '-')
      for (auto& f : inputs_of(argv[i])) files.push_back(f);
  if (files.empty()) usage_error("usage: " + std::string(argv[0]) + " FILE|DIR... (corpus files or FILE.txt scenarios)");
  LLVMFuzzerInitialize(&argc, &argv);
  for (const auto& file : files) {
    auto bytes = read_input(file);
    std::cerr << "connfuzz replay: " << file.string() << "\n";
    LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
  }
  std::cerr << "connfuzz replay: " << files.size() << " inputs replayed, no undocumented finding\n";
  return 0;
}
