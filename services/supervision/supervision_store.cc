#include "services/supervision/supervision_store.h"
