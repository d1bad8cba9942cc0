#pragma once

// Unary gRPC calls driven by h2load (Debian's nghttp2-client), the one load
// generator of the wire benches: every target is driven by the same external
// program, so a ratio between two targets compares the servers, not clients.

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "bench/bench_support.h"

namespace gongkai::bench {

// A load: `connections` HTTP/2 connections with `streams` calls in flight on
// each, every call POSTing `message` (a serialized request) to `path`. A
// warm-up of `warm_up_calls`, not measured, comes first and gives the rate;
// the measured run then makes as many calls as that rate gives in `seconds`.
// Both end when their last call is answered: no call is cut off, so the
// target's count of status codes holds only whole calls.
struct H2Load {
  std::string address;  // host:port
  std::string path;     // /package.Service/Method
  std::string message;  // the request message's bytes (the gRPC frame is added)
  int connections = 4;
  int streams = 4;
  int seconds = 10;
  int64_t warm_up_calls = 20'000;
  // Instead: a measured run of exactly `seconds` (h2load's --duration), for a
  // load beside another whose length it must match; calls in flight when it
  // ends are cut off and not in the figures.
  bool for_duration = false;
  // Calls per second each connection starts at most (h2load's --rps); 0:
  // as fast as the calls in flight allow.
  int rate_per_connection = 0;
  int threads = 1;  // h2load's own threads
  // https: TLS with HTTP/2 negotiated by ALPN (h2 only, no fall-back to
  // HTTP/1.1). h2load does not verify the server's certificate and presents
  // none of its own, so a port that requires a client certificate cannot be
  // driven this way.
  bool tls = false;
};

// What h2load measured. h2load sees HTTP, not gRPC: a call answered with a
// gRPC error is an HTTP 200 to it, so the gRPC status codes come from the
// target's own count (GrpcCodes).
struct H2LoadResult {
  int64_t calls = 0;   // calls answered (HTTP 200)
  int64_t failed = 0;  // calls h2load saw fail (HTTP error, reset, timeout)
  double seconds = 0;  // the measured window as h2load timed it
  double mean_ms = 0, p50_ms = 0, p90_ms = 0, p99_ms = 0, max_ms = 0;
  std::string cpu;  // CPU use over the window, by process, h2load's among them
};

// Runs h2load: the warm-up, then `before_measured` (a count of the target's
// taken between the two), then the measured run; `shares` are the processes
// whose CPU is reported beside h2load's. Throws BrokenSetup when h2load is
// missing or fails.
H2LoadResult RunH2Load(const H2Load& load, std::vector<CpuShare> shares, const std::function<void()>& before_measured);

// Calls of a method counted by a server's go-grpc-prometheus series
// (grpc_server_handled_total), summed by grpc_code over every other label;
// `metrics` is the text of its /metrics.
std::map<std::string, int64_t> GrpcCodes(const std::string& metrics, const std::string& method);

// The counts of `after` less those of `before`.
std::map<std::string, int64_t> Delta(const std::map<std::string, int64_t>& after,
                                     const std::map<std::string, int64_t>& before);

}  // namespace gongkai::bench
