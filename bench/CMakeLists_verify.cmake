# include()d by bench/CMakeLists.txt: certificate verification through the
# gateway against a plain gRPC echo server, on real processes (tests/e2e Platform).
# Run: bench/run [--bench-seconds=N --bench-channels=C --bench-inflight=K --bench-officers=N]
add_executable(verify_bench ${CMAKE_CURRENT_LIST_DIR}/verify_bench.cc)
target_link_libraries(verify_bench PRIVATE gongkai_e2e)
add_dependencies(verify_bench gongkai-registry gongkai-penalties gongkai-requests gongkai-gateway)
