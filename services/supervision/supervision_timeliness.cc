#include "services/supervision/supervision_timeliness.h"
