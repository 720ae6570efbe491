// What std::terminate says of an exception no one caught, in one write.
#pragma once

namespace connfuzz::fuzz {

// Installs a terminate handler that says what libstdc++'s verbose one says ("terminate
// called after throwing an instance of 'T'", then "  what():  ..."), words that
// `connfuzz repro` reads a crash's signature from, in one write where that one makes
// seven: stderr is connfuzz's pipe, and a sweep pays each write of each crash. Then aborts.
void say_uncaught_exceptions_in_one_write();

}  // namespace connfuzz::fuzz
