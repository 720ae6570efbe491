// The sweep's two line formats, written and read back.
#include "sweep_protocol.h"

#include <charconv>

namespace connfuzz::fuzz {
namespace {

constexpr char kDigits[] = "0123456789abcdef";

std::optional<std::uint64_t> number(std::string_view text) {
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

std::vector<std::string_view> split(std::string_view text, char sep) {
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  for (std::size_t at; (at = text.find(sep, start)) != std::string_view::npos; start = at + 1)
    fields.push_back(text.substr(start, at - start));
  fields.push_back(text.substr(start));
  return fields;
}

std::string one_line(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  return out;
}

std::string numbers_text(const std::vector<std::size_t>& values) {
  std::string out;
  for (std::size_t v : values) out += (out.empty() ? "" : ",") + std::to_string(v);
  return out;
}

std::optional<std::vector<std::size_t>> parse_numbers(std::string_view text) {
  std::vector<std::size_t> values;
  if (text.empty()) return values;
  for (std::string_view part : split(text, ',')) {
    auto v = number(part);
    if (!v) return std::nullopt;
    values.push_back(static_cast<std::size_t>(*v));
  }
  return values;
}

std::optional<std::vector<Site>> parse_sites(std::string_view text) {
  std::vector<Site> sites;
  if (text.empty()) return sites;
  for (std::string_view part : split(text, ' ')) {
    std::size_t hash = part.rfind('#');
    if (hash == std::string_view::npos) return std::nullopt;
    auto call = inject::call_from_name(part.substr(0, hash));
    auto index = number(part.substr(hash + 1));
    if (!call || !index) return std::nullopt;
    sites.emplace_back(*call, static_cast<unsigned long>(*index));
  }
  return sites;
}

std::optional<Reach> reach_from_name(std::string_view name) {
  for (Reach r : {Reach::fired, Reach::refused, Reach::unreached})
    if (reach_name(r) == name) return r;
  return std::nullopt;
}

}  // namespace

std::string cell_line(std::uint64_t id, const std::vector<std::uint8_t>& bytes) {
  std::string line = std::to_string(id) + " ";
  for (std::uint8_t b : bytes) line.append({kDigits[b >> 4], kDigits[b & 15]});
  return line;
}

std::optional<std::pair<std::uint64_t, std::vector<std::uint8_t>>> parse_cell_line(std::string_view line) {
  std::size_t space = line.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  auto id = number(line.substr(0, space));
  std::string_view hex = line.substr(space + 1);
  if (!id || hex.size() % 2 != 0) return std::nullopt;
  std::vector<std::uint8_t> bytes;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    unsigned v = 0;
    auto [end, ec] = std::from_chars(hex.data() + i, hex.data() + i + 2, v, 16);
    if (ec != std::errc() || end != hex.data() + i + 2) return std::nullopt;
    bytes.push_back(static_cast<std::uint8_t>(v));
  }
  return std::make_pair(*id, std::move(bytes));
}

std::string identity_line(std::string_view family, const std::vector<std::string>& own_targets) {
  std::string line = std::string(kIdentityWord) + " " + std::string(family) + " " + std::string(kScenarioFormat);
  for (std::size_t i = 0; i < own_targets.size(); ++i) line += (i == 0 ? " " : ",") + own_targets[i];
  return line;
}

std::optional<std::pair<std::string, std::string>> parse_identity_line(std::string_view line) {
  std::vector<std::string_view> words = split(line, ' ');
  if (words.size() < 3 || words.size() > 4 || words[0] != kIdentityWord || words[1].empty() || words[2].empty())
    return std::nullopt;
  return std::make_pair(std::string(words[1]), std::string(words[2]));
}

std::vector<std::string> identity_targets(std::string_view line) {
  std::vector<std::string_view> words = split(line, ' ');
  std::vector<std::string> names;
  if (words.size() == 4)
    for (std::string_view name : split(words[3], ',')) names.emplace_back(name);
  return names;
}

std::string_view reach_name(Reach reach) noexcept {
  switch (reach) {
    case Reach::fired: return "fired";
    case Reach::refused: return "refused";
    case Reach::unreached: return "unreached";
  }
  return "?";
}

std::string site_text(const Site& site) {
  return std::string(inject::call_name(site.first)) + "#" + std::to_string(site.second);
}

// id, reach, sites, injected rows, real rows, then verdict, documented, reason per finding.
std::string outcome_line(const SweepOutcome& o) {
  std::string sites;
  for (const Site& s : o.sites) sites += (sites.empty() ? "" : " ") + site_text(s);
  std::string line = std::to_string(o.id) + "\t" + std::string(reach_name(o.reach)) + "\t" + sites + "\t" +
                     numbers_text(o.injected) + "\t" + numbers_text(o.real);
  for (const SweepFinding& f : o.findings)
    line += "\t" + one_line(f.verdict) + "\t" + one_line(f.documented) + "\t" + one_line(f.reason);
  return line;
}

std::optional<SweepOutcome> parse_outcome_line(std::string_view line) {
  std::vector<std::string_view> fields = split(line, '\t');
  if (fields.size() < 5 || (fields.size() - 5) % 3 != 0) return std::nullopt;
  SweepOutcome o;
  auto id = number(fields[0]);
  auto reach = reach_from_name(fields[1]);
  auto sites = parse_sites(fields[2]);
  auto injected = parse_numbers(fields[3]);
  auto real = parse_numbers(fields[4]);
  if (!id || !reach || !sites || !injected || !real) return std::nullopt;
  o.id = *id;
  o.reach = *reach;
  o.sites = std::move(*sites);
  o.injected = std::move(*injected);
  o.real = std::move(*real);
  for (std::size_t i = 5; i < fields.size(); i += 3)
    o.findings.push_back({std::string(fields[i]), std::string(fields[i + 1]), std::string(fields[i + 2])});
  return o;
}

}  // namespace connfuzz::fuzz
