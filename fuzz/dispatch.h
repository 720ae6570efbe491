// From a scenario's mode to the target that implements it.
#pragma once

#include "connect_target.h"
#include "scenario.h"

namespace connfuzz::fuzz {

targets::ConnectTarget target_for(Mode mode) noexcept;

}  // namespace connfuzz::fuzz
