// connfuzz: the command line of the connect() fault-injection harness.
#include <malloc.h>

#include <cstdio>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include "commands.h"
#include "environment.h"

namespace {

using namespace connfuzz::tools;
using ProgramWords = std::vector<std::string>;

// `connfuzz --help-env`: environment.def, one variable a paragraph.
void print_environment_table() {
  std::printf("The environment variables of connfuzz, its fuzzers, its preload library and its scripts:\n");
  for (const connfuzz::inject::EnvVarInfo& row : connfuzz::inject::environment_rows())
    std::printf("\n%.*s\n  default: %.*s\n  %.*s\n", static_cast<int>(row.name.size()), row.name.data(),
                static_cast<int>(row.fallback.size()), row.fallback.data(), static_cast<int>(row.meaning.size()),
                row.meaning.data());
}

// The application's own options, before any command's.
void add_global_options(CLI::App& app) {
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("connfuzz ") + "0.1.0");
  app.add_flag_callback(
      "--help-env", [] { print_environment_table(); throw CLI::Success(); },
      "Print the CONNFUZZ_* environment variables: name, default, meaning");
}

// A command that runs no program of the user's is given no program words.
template <void (*add_command)(CLI::App&, int&)>
void add_without_program(CLI::App& app, int& status, const ProgramWords&) {
  add_command(app, status);
}

// Every command, in the order `connfuzz --help` lists them.
using AddCommand = void (*)(CLI::App&, int& status, const ProgramWords& program_words);
constexpr AddCommand kCommands[] = {
    add_without_program<add_errnos_command>,
    add_without_program<add_plan_command>,
    add_run_command,
    add_matrix_command,
    add_without_program<add_scenario_commands>,  // decode, encode
    add_without_program<add_repro_command>,
    add_without_program<add_minimize_command>,
    add_without_program<add_report_command>,
    add_without_program<add_coverage_command>,
    add_without_program<add_nightly_command>,
    add_without_program<add_verdicts_command>,
    add_without_program<add_fuzzers_command>,
    add_without_program<add_sweep_command>,
};

// The words after the first "--" (the program and its arguments) are taken out before
// CLI11 parses, because CLI11 2.1 hands "-x" after "--" to connfuzz when a repeatable
// option came before it. `run` and `matrix` are given them. Returns how many words of
// argv CLI11 parses.
int take_program_words(int argc, char** argv, ProgramWords& program_words) {
  for (int i = 1; i < argc; ++i)
    if (std::string_view(argv[i]) == "--") {
      program_words.assign(argv + i + 1, argv + argc);
      return i;
    }
  return argc;
}

void refuse_program_words_elsewhere(int argc, char** argv, int words_before_dashes) {
  std::string_view command = argc > 1 ? argv[1] : "";
  if (words_before_dashes < argc && command != "run" && command != "matrix")
    throw UsageError("'--' and a program follow only 'run' and 'matrix'");
}

// CLI11's complaint, said in connfuzz's words where the first word is no command.
void report_parse_error(CLI::App& app, const CLI::ParseError& e, const std::string& first) {
  bool unknown_command = !first.empty() && first[0] != '-' && app.get_subcommands().empty();
  bool unknown_option = !first.empty() && first[0] == '-' && app.get_subcommands().empty();
  if (unknown_command) {
    std::string names;
    for (const CLI::App* sub : app.get_subcommands({})) names += (names.empty() ? "" : ", ") + sub->get_name();
    std::fprintf(stderr, "connfuzz: unknown command '%s'; the commands are: %s\n", first.c_str(), names.c_str());
  } else if (unknown_option) {
    std::fprintf(stderr, "connfuzz: unknown option '%s' before a command; usage: connfuzz COMMAND [options] (connfuzz --help)\n",
                 first.c_str());
  } else {
    std::fprintf(stderr, "connfuzz: %s\nRun 'connfuzz --help' for the commands.\n", e.what());
  }
}

// The exception in flight, said to the user, and the exit status it means: called
// from a catch block only.
int exit_status_of_current_exception(CLI::App& app, const std::string& first) {
  try {
    throw;
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::Success& e) {  // --help-env
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    report_parse_error(app, e, first);
    return kExitUsage;
  } catch (const UsageError& e) {
    // An enormous argument quoted back is no help: say how much was left out.
    std::string message = e.what();
    if (message.size() > 4000) message = message.substr(0, 4000) + "... (" + std::to_string(message.size() - 4000) + " more characters)";
    std::fprintf(stderr, "connfuzz: %s\n", message.c_str());
    return kExitUsage;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "connfuzz: internal error: %s\n", e.what());
    return 70;  // EX_SOFTWARE: a bug of connfuzz's own, never a user's mistake
  }
}

}  // namespace

int main(int argc, char** argv) {
  // The vectors of cells and reports grow past glibc's mmap threshold, and every growth
  // step was a fresh mapping, each page of it faulted in again. In the heap, kept rather
  // than given back, their pages are faulted in once. 32 MiB is the most glibc takes on
  // a 64-bit system; where it refuses, the trim threshold is left alone too, since
  // setting it would freeze the mmap threshold at its 128 KiB start.
  if (mallopt(M_MMAP_THRESHOLD, 32 << 20) == 1) mallopt(M_TRIM_THRESHOLD, 256 << 20);
  CLI::App app{"connfuzz: fault injection and fuzzing for the code paths that call connect()"};
  add_global_options(app);
  connfuzz::inject::warn_unknown_environment(nullptr);
  int status = 0;
  ProgramWords program_words;
  for (AddCommand add : kCommands) add(app, status, program_words);
  int words_before_dashes = take_program_words(argc, argv, program_words);
  try {
    refuse_program_words_elsewhere(argc, argv, words_before_dashes);
    app.parse(words_before_dashes, argv);
  } catch (const std::exception&) {
    return exit_status_of_current_exception(app, argc > 1 ? argv[1] : "");
  }
  return status;
}
