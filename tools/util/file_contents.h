// What a file holds, read whole; "" when it cannot be read. For connfuzz's own files
// (logs, outputs, corpus and crash files); a user's file goes through read_user_file,
// which says what was wrong with it.
#pragma once

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace connfuzz::tools {

inline std::string file_contents(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace connfuzz::tools
