// `connfuzz decode FILE` and `connfuzz encode`: a scenario file's bytes <-> its text.
#include <iostream>
#include <memory>

#include "atomic_file.h"
#include "commands.h"
#include "finding_file.h"
#include "scenario.h"

namespace connfuzz::tools {
namespace {

fuzz::Scenario parse_or_throw(const std::string& text, const std::string& where) {
  fuzz::TextError error;
  auto scenario = fuzz::parse_text(text, error);
  if (!scenario) throw UsageError(where + ": " + error.what());
  return *scenario;
}

}  // namespace

void add_scenario_commands(CLI::App& app, int& status) {
  auto* decode = app.add_subcommand("decode", "Print a corpus or crash file as a scenario's text");
  auto file = std::make_shared<std::string>();
  decode->add_option("file", *file, "A libFuzzer/AFL++/corpus file, or - for standard input (any bytes are a scenario)")->required();
  decode->callback([file, &status] {
    std::string bytes = read_user_file(*file);
    auto scenario = fuzz::decode({reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()});
    std::cout << fuzz::to_text(scenario);
    status = 0;
  });

  auto* encode = app.add_subcommand("encode", "Turn a scenario's text into the bytes a fuzzer reads");
  auto text = std::make_shared<std::string>();
  auto from = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  encode->add_option("text", *text, "The scenario, lines of KEY=VALUE (see connfuzz decode); - reads standard input");
  encode->add_option("-f,--file", *from, "Read the text from this file (- for standard input)");
  encode->add_option("-o,--output", *out, "Write the bytes here instead of standard output");
  encode->callback([text, from, out, &status] {
    if (text->empty() == from->empty()) throw UsageError("encode: give the text, or --file FILE, not both");
    std::string source = !from->empty() ? read_user_file(*from) : *text == "-" ? read_user_file("-") : *text;
    fuzz::Scenario scenario = parse_or_throw(source, from->empty() ? "encode" : *from);
    std::vector<std::uint8_t> bytes;
    try {
      bytes = fuzz::encode(scenario);
    } catch (const std::invalid_argument& e) {
      throw UsageError(std::string("encode: ") + e.what());
    }
    if (out->empty()) {
      std::cout.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    } else {
      write_file_atomically(*out, {reinterpret_cast<const char*>(bytes.data()), bytes.size()});
    }
    status = 0;
  });
}

}  // namespace connfuzz::tools
