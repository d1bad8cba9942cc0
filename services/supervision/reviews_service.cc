#include "services/supervision/supervision_service.h"
