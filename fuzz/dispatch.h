// From a scenario's mode to the target that implements it.
#pragma once

#include "connect_target.h"
#include "scenario.h"

namespace connfuzz::fuzz {

targets::ConnectTarget target_for(Mode mode) noexcept;

// Asio reports error_codes, which may translate the errno (EAGAIN as ENOBUFS).
bool reports_asio_errors(Mode mode) noexcept;

}  // namespace connfuzz::fuzz
