#include "services/supervision/supervision_gauges.h"
