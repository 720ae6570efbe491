// A wrapper header, higher than core.
#pragma once
