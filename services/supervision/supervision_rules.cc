#include "services/supervision/supervision_rules.h"
