// The subcommands of `connfuzz`, each registered on the CLI11 application.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "usage_error.h"

namespace connfuzz::tools {

// Each registers its command on `app`; the command sets `status` when it runs.
void add_errnos_command(CLI::App& app, int& status);
void add_plan_command(CLI::App& app, int& status);
void add_run_command(CLI::App& app, int& status, const std::vector<std::string>& program_words);
void add_matrix_command(CLI::App& app, int& status, const std::vector<std::string>& program_words);
void add_scenario_commands(CLI::App& app, int& status);  // decode, encode
void add_repro_command(CLI::App& app, int& status);
void add_minimize_command(CLI::App& app, int& status);
void add_report_command(CLI::App& app, int& status);
void add_coverage_command(CLI::App& app, int& status);
void add_nightly_command(CLI::App& app, int& status);
void add_verdicts_command(CLI::App& app, int& status);
void add_fuzzers_command(CLI::App& app, int& status);
void add_sweep_command(CLI::App& app, int& status);


// A CLI11 check that a number is above 0, saying so in words ("--timeout must be a
// number above 0, got '0'") instead of CLI11's range of doubles.
CLI::Validator positive(const std::string& option);

// "connfuzz: plan: column 9: ...", the plan again, and a caret under the column.
std::string describe_plan_error(const std::string& text, std::size_t column, const std::string& message);

}  // namespace connfuzz::tools
