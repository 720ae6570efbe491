// connfuzz: the command line of the connect() fault-injection harness.
#include <cstdio>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include "commands.h"
#include "environment.h"

namespace {

// `connfuzz --help-env`: environment.def, one variable a paragraph.
void print_environment_table() {
  std::printf("The environment variables of connfuzz, its fuzzers, its preload library and its scripts:\n");
  for (const connfuzz::inject::EnvVarInfo& row : connfuzz::inject::environment_rows())
    std::printf("\n%.*s\n  default: %.*s\n  %.*s\n", static_cast<int>(row.name.size()), row.name.data(),
                static_cast<int>(row.fallback.size()), row.fallback.data(), static_cast<int>(row.meaning.size()),
                row.meaning.data());
}

}  // namespace

int main(int argc, char** argv) {
  using namespace connfuzz::tools;
  CLI::App app{"connfuzz: fault injection and fuzzing for the code paths that call connect()"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("connfuzz ") + "0.1.0");
  app.add_flag_callback(
      "--help-env", [] { print_environment_table(); throw CLI::Success(); },
      "Print the CONNFUZZ_* environment variables: name, default, meaning");
  connfuzz::inject::warn_unknown_environment(nullptr);
  int status = 0;
  // The words after the first "--" (the program and its arguments): main() takes them
  // out before CLI11 parses, because CLI11 2.1 hands "-x" after "--" to connfuzz when a
  // repeatable option came before it. `run` and `matrix` are given them.
  std::vector<std::string> program_words;
  add_errnos_command(app, status);
  add_plan_command(app, status);
  add_run_command(app, status, program_words);
  add_matrix_command(app, status, program_words);
  add_scenario_commands(app, status);
  add_repro_command(app, status);
  add_minimize_command(app, status);
  add_report_command(app, status);
  add_nightly_command(app, status);
  add_verdicts_command(app, status);
  add_fuzzers_command(app, status);
  add_sweep_command(app, status);
  int words_before_dashes = argc;
  for (int i = 1; i < argc; ++i)
    if (std::string_view(argv[i]) == "--") {
      words_before_dashes = i;
      program_words.assign(argv + i + 1, argv + argc);
      break;
    }
  try {
    std::string_view command = argc > 1 ? argv[1] : "";
    if (words_before_dashes < argc && command != "run" && command != "matrix")
      throw UsageError("'--' and a program follow only 'run' and 'matrix'");
    app.parse(words_before_dashes, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::Success& e) {  // --help-env
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::string first = argc > 1 ? argv[1] : "";
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
  return status;
}
