// A forwarder of HTTP/2 streams, frame by frame, for verify_bench: what a hop
// in front of the registry costs when it does nothing but forward.
//
// It accepts plaintext HTTP/2 connections and forwards every stream, headers,
// data and trailers as they come, onto one HTTP/2 connection to an upstream,
// and the upstream's answer back, with nghttp2 on both sides and one thread
// polling every socket (epoll). It reads nothing of a call: no token, no
// method check, no parse of the message, no metric, no deadline of its own.
// So it is not a gateway; it measures the floor under one, a hop without
// gRPC's call machinery on either side, against the gateway in the same run.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

namespace gongkai::bench {

class FrameForwarder {
 public:
  // Listens on 127.0.0.1, a port of the system's choosing, and connects to
  // `upstream` ("host:port", an IPv4 address) at once; throws when either fails.
  explicit FrameForwarder(const std::string& upstream);
  ~FrameForwarder();
  FrameForwarder(const FrameForwarder&) = delete;
  FrameForwarder& operator=(const FrameForwarder&) = delete;

  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  // Streams the upstream ended, so far.
  int64_t forwarded() const { return forwarded_.load(); }

  struct Loop;

 private:
  int port_ = 0;
  std::atomic<int64_t> forwarded_{0};
  std::unique_ptr<Loop> loop_;
  std::thread thread_;
};

}  // namespace gongkai::bench
