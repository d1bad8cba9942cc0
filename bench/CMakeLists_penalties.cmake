# include()d by bench/CMakeLists.txt: 1,000,000 penalty decisions synced through
# the gateway (SyncDecisions) against a plain COPY of the same rows, on real
# processes (tests/e2e Platform), with the penalties process's memory sampled.
# Run: bench/run, or penalties_sync_bench [--bench-decisions=N --bench-streams=C]
add_executable(penalties_sync_bench ${CMAKE_CURRENT_LIST_DIR}/penalties_sync_bench.cc)
target_link_libraries(penalties_sync_bench PRIVATE gongkai_bench_support gongkai_penalties)
add_dependencies(penalties_sync_bench gongkai-registry gongkai-penalties gongkai-requests gongkai-gateway)
