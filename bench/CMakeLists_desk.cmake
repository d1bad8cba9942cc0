# include()d by bench/CMakeLists.txt: the desk's open-requests view with 100,000
# requests across 500 agencies, through the gateway, on real processes
# (tests/e2e Platform).
# Run: bench/run, or desk_view_bench [--bench-requests=N --bench-agencies=A --bench-callers=K --bench-seconds=D]
add_executable(desk_view_bench ${CMAKE_CURRENT_LIST_DIR}/desk_view_bench.cc)
target_link_libraries(desk_view_bench PRIVATE gongkai_bench_support gongkai_requests)
add_dependencies(desk_view_bench gongkai-registry gongkai-penalties gongkai-requests gongkai-gateway)
