# include()d by bench/CMakeLists.txt: certificate verification through the
# gateway against a plain gRPC echo server, on real processes (tests/e2e Platform).
# Run: bench/run [--bench-seconds=N --bench-channels=C --bench-inflight=K --bench-officers=N]

# What the benches over real processes share (bench_support.h): defined here,
# with the first of them; the other benches link it by name.
add_library(gongkai_bench_support STATIC ${CMAKE_CURRENT_LIST_DIR}/bench_support.cc)
target_link_libraries(gongkai_bench_support PUBLIC gongkai_e2e)

add_executable(verify_bench ${CMAKE_CURRENT_LIST_DIR}/verify_bench.cc)
target_link_libraries(verify_bench PRIVATE gongkai_bench_support)
add_dependencies(verify_bench gongkai-registry gongkai-penalties gongkai-requests gongkai-gateway)
