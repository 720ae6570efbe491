// The versions of the byte form, and the choices in it that depend on the version: the
// tables whose rows grow (modes, calls, errnos). A stored input keeps its meaning in
// every later version of connfuzz: format 1 picked rows by their place in the tables
// of its day (frozen in format_v1_rows.def); format 2 writes codes that never change
// (a mode's code, a call's place in calls.def, the errno's own number).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "modes.h"
#include "plan.h"

namespace connfuzz::fuzz {

// The first byte of a format-2 input. An input that starts with anything else is format 1
// (every file stored before format 2 existed; tests/fuzz/scenario/format_test.cc shows none starts with it).
inline constexpr std::uint8_t kFormat2Tag = 0xF2;
inline constexpr int kCurrentFormat = 2;

struct Format {
  int version = kCurrentFormat;
};

// The format of `bytes`, and how many leading bytes say so.
Format format_of(std::span<const std::uint8_t> bytes, std::size_t& header_size) noexcept;

// Decoding, each for one byte of the input (the byte form: scenario.cc's opening comment).
Mode mode_from_byte(Format format, std::uint8_t b) noexcept;
inject::Call call_from_byte(Format format, std::uint8_t b) noexcept;
// b < 128: an errno of the call's rows.
int errno_from_byte(Format format, inject::Call call, std::uint8_t b) noexcept;
// v > 0: the eventual outcome of `call`'s rule, from its rows; -1 when the call has none.
int eventual_from_byte(Format format, inject::Call call, std::uint8_t v) noexcept;

// Encoding, always in the current format. errno_byte: the errno's byte when it is a row
// of the call, else -1 (the caller writes it as a number, b - 128).
int errno_byte(inject::Call call, int err) noexcept;

}  // namespace connfuzz::fuzz
