// Loads the demo province through the gateway, as each city's system would:
// every city's agencies with that city's token. Safe to run again (upserts).
#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/config.h"
#include "gongkai/registry/v1/registry.grpc.pb.h"

namespace {

nlohmann::json ReadJson(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  return nlohmann::json::parse(in);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace gongkai;
  common::Config config(argc, argv);
  std::string gateway = config.Address("GONGKAI_GATEWAY", "127.0.0.1:7100", "gateway address");
  std::string data = config.RequiredString("GONGKAI_DEMO_DATA", "demo province JSON (data/demo/shanxi.json)");
  std::string tokens_file = config.RequiredString("GONGKAI_DEMO_TOKENS", "JSON object principal -> bearer token");
  config.Finish();
  try {
    auto doc = ReadJson(data);
    auto tokens = ReadJson(tokens_file);
    auto stub = registry::v1::RegistryService::NewStub(grpc::CreateChannel(gateway, grpc::InsecureChannelCredentials()));
    int accepted = 0, unchanged = 0, rejected = 0;
    for (const auto& city : doc.at("cities")) {
      std::string code = city.at("code");
      registry::v1::UpsertAgenciesRequest request;
      for (const auto& agency : city.at("agencies")) {
        auto status = google::protobuf::util::JsonStringToMessage(agency.dump(), request.add_agencies());
        if (!status.ok()) throw std::runtime_error(data + ": agency of " + code + ": " + status.ToString());
      }
      grpc::ClientContext ctx;
      ctx.AddMetadata("authorization", "Bearer " + tokens.at("city-" + code).get<std::string>());
      ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
      registry::v1::UpsertAgenciesResponse response;
      grpc::Status status = stub->UpsertAgencies(&ctx, request, &response);
      if (!status.ok()) {
        std::cerr << "city " << code << ": " << status.error_message() << "\n";
        return 1;
      }
      for (const auto& r : response.results()) {
        if (r.outcome() == common::v1::RecordResult::ACCEPTED) ++accepted;
        if (r.outcome() == common::v1::RecordResult::UNCHANGED) ++unchanged;
        if (r.outcome() == common::v1::RecordResult::REJECTED) ++rejected;
      }
    }
    std::cout << "demo agencies: " << accepted << " accepted, " << unchanged << " unchanged, " << rejected
              << " rejected\n";
    return rejected == 0 ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "demo load failed: " << e.what() << "\n";
    return 1;
  }
}
