# include()d by the top-level CMakeLists: calendar throughput benchmark.
# Run: calendar_bench [data/calendar]
add_executable(calendar_bench ${CMAKE_CURRENT_LIST_DIR}/calendar_bench.cc)
target_link_libraries(calendar_bench PRIVATE gongkai_calendar)
