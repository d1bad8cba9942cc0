#pragma once

#include "common/batch.h"

namespace gongkai::registry {

using common::UpsertOutcome;

}  // namespace gongkai::registry
