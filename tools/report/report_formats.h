// The coverage report in its four forms. Each is built from the same totals.
#pragma once

#include <filesystem>
#include <string>

#include "coverage.h"

namespace connfuzz::tools {

std::string report_markdown(const Coverage& coverage);
// `links_from`: the directory the page will be in, so its links to repro files work.
std::string report_html(const Coverage& coverage, const std::filesystem::path& links_from);
std::string report_json(const Coverage& coverage);
// SARIF 2.1.0: one result per input that found something, for code-scanning tools.
std::string report_sarif(const Coverage& coverage);

}  // namespace connfuzz::tools
