// The longest text every match of a POSIX extended regular expression must contain:
// a line without it cannot match, so the regex need not run on it.
#pragma once

#include <string>
#include <string_view>

namespace connfuzz::tools {

// "" when no text is required (an alternation, or nothing but classes and groups): the
// caller then runs the regex on every line, as before. Conservative: what it returns is
// always in every match; it may return less than the pattern requires, never more.
std::string required_literal(std::string_view extended_regex);

}  // namespace connfuzz::tools
