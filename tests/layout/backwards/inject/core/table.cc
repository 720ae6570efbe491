// A core source that reaches up into the wrappers: what check-layering.py must refuse.
#include "wrapper.h"
