#include "services/supervision/review_coverage.h"
