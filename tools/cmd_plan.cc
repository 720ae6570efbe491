// `connfuzz plan TEXT`: checks a fault plan and prints it normalized.
#include <cstdio>

#include "commands.h"
#include "plan.h"

namespace connfuzz::tools {

std::string describe_plan_error(const std::string& text, std::size_t column, const std::string& message) {
  std::string shown = text.size() > 200 ? text.substr(0, 200) + "..." : text;
  std::string caret = column >= 1 && column <= 201 ? std::string(column - 1, ' ') + "^" : "";
  for (char& c : shown)
    if (c == '\n' || c == '\t' || c == '\r') c = ' ';
  // The message quotes what it found, which may be the whole of an enormous argument.
  std::string said = message.size() > 300 ? message.substr(0, 300) + "..." : message;
  return "bad plan: column " + std::to_string(column) + ": " + said + "\n  " + shown + "\n  " + caret;
}

CLI::Validator positive(const std::string& option) {
  return CLI::Validator(
      [option](std::string& text) -> std::string {
        try {
          std::size_t used = 0;
          double value = std::stod(text, &used);
          if (used == text.size() && value > 0) return "";
        } catch (const std::exception&) {
        }
        return option + " must be a number above 0, got '" + text + "'";
      },
      "NUMBER>0");
}

void add_plan_command(CLI::App& app, int& status) {
  auto* cmd = app.add_subcommand("plan", "Check a fault plan and print it normalized");
  auto text = std::make_shared<std::string>();
  cmd->add_option("plan", *text, "The plan, e.g. 'connect@1=EINTR poll@*=EINTR'")->required();
  cmd->callback([text, &status] {
    inject::PlanError error;
    auto plan = inject::parse_plan(*text, error);
    if (!plan) throw UsageError(describe_plan_error(*text, error.column, error.message));
    std::printf("%s\n", inject::to_text(*plan).c_str());
    status = 0;
  });
}

}  // namespace connfuzz::tools
