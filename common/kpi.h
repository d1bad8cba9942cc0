#pragma once

namespace gongkai::common {

// A KPI ratio: what was met of what was due; 1 when nothing was due.
inline double Share(double met, double due) { return due == 0 ? 1.0 : met / due; }

}  // namespace gongkai::common
