// Loads the demo province through the gateway, as each city's system would:
// every city's agencies, officers, powers list and the food-safety discretion
// benchmark, then its penalty decisions and coercive measures, a withdrawal
// and a release, each with that city's token. Safe to run again: upserts,
// and a withdrawal or release already recorded stays as it was.
#include <grpcpp/grpcpp.h>

#include <array>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "common/config.h"
#include "gongkai/penalties/v1/penalties.grpc.pb.h"
#include "gongkai/registry/v1/registry.grpc.pb.h"
#include "tools/client.h"

namespace {

nlohmann::json ReadJson(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  return nlohmann::json::parse(in);
}

// A file next to the demo province's file.
std::string Beside(const std::string& data, const std::string& name) {
  return data.substr(0, data.rfind('/') + 1) + name;
}

void Parse(const nlohmann::json& record, google::protobuf::Message* out, const std::string& source) {
  gongkai::tools::ParseJson(record.dump(), out, source);
}

template <typename Message>
void Fill(const nlohmann::json& records, google::protobuf::RepeatedPtrField<Message>* out, const std::string& source) {
  for (const auto& record : records) Parse(record, out->Add(), source);
}

template <typename Rpc>
void Send(const std::string& city, const std::string& token, Rpc&& rpc) {
  grpc::ClientContext ctx;
  gongkai::tools::Authorize(ctx, token);
  grpc::Status status = rpc(&ctx);
  if (!status.ok()) throw std::runtime_error("city " + city + ": " + status.error_message());
}

struct Tally {
  std::map<std::string, std::array<int, 3>> counts;  // accepted, unchanged, rejected
  int rejected = 0;

  void Add(const std::string& kind,
           const google::protobuf::RepeatedPtrField<gongkai::common::v1::RecordResult>& results) {
    auto& c = counts[kind];
    for (const auto& r : results) {
      if (r.outcome() == gongkai::common::v1::RecordResult::ACCEPTED) ++c[0];
      if (r.outcome() == gongkai::common::v1::RecordResult::UNCHANGED) ++c[1];
      if (r.outcome() == gongkai::common::v1::RecordResult::REJECTED) {
        ++c[2];
        ++rejected;
        for (const auto& v : r.violations())
          std::cerr << "rejected " << r.key() << ": " << v.field() << ": " << v.description() << "\n";
      }
    }
  }

  void Print() const {
    for (const auto& [kind, c] : counts) {
      std::cout << "demo " << kind << ": " << c[0] << " accepted, " << c[1] << " unchanged, " << c[2] << " rejected\n";
    }
  }
};

}  // namespace

int main(int argc, char** argv) {
  using namespace gongkai;
  common::Config config(argc, argv);
  std::string gateway = tools::ReadGatewayAddress(config);
  std::string data = config.RequiredString("GONGKAI_DEMO_DATA", "demo province JSON (data/demo/shanxi.json)");
  std::string tokens_file = config.RequiredString("GONGKAI_DEMO_TOKENS", "JSON object principal -> bearer token");
  config.Finish();
  try {
    auto doc = ReadJson(data);
    auto tokens = ReadJson(tokens_file);
    auto stub = registry::v1::RegistryService::NewStub(tools::GatewayChannel(gateway));
    std::string benchmark_path = Beside(data, "food_safety_benchmark.json");
    auto benchmark = ReadJson(benchmark_path);
    Tally tally;
    for (const auto& city : doc.at("cities")) {
      std::string code = city.at("code");
      std::string token = tokens.at("city-" + code).get<std::string>();
      registry::v1::UpsertAgenciesRequest agencies;
      Fill(city.at("agencies"), agencies.mutable_agencies(), data);
      registry::v1::UpsertAgenciesResponse agencies_result;
      Send(code, token,
           [&](grpc::ClientContext* ctx) { return stub->UpsertAgencies(ctx, agencies, &agencies_result); });
      tally.Add("agencies", agencies_result.results());

      registry::v1::UpsertOfficersRequest officers;
      Fill(city.at("officers"), officers.mutable_officers(), data);
      registry::v1::UpsertOfficersResponse officers_result;
      Send(code, token,
           [&](grpc::ClientContext* ctx) { return stub->UpsertOfficers(ctx, officers, &officers_result); });
      tally.Add("officers", officers_result.results());

      registry::v1::UpsertPowersRequest powers;
      Fill(city.at("powers"), powers.mutable_items(), data);
      registry::v1::UpsertPowersResponse powers_result;
      Send(code, token, [&](grpc::ClientContext* ctx) { return stub->UpsertPowers(ctx, powers, &powers_result); });
      tally.Add("powers items", powers_result.results());

      registry::v1::UpsertBenchmarksRequest benchmarks;
      Fill(nlohmann::json::array({benchmark}), benchmarks.mutable_benchmarks(), benchmark_path);
      registry::v1::UpsertBenchmarksResponse benchmarks_result;
      Send(code, token,
           [&](grpc::ClientContext* ctx) { return stub->UpsertBenchmarks(ctx, benchmarks, &benchmarks_result); });
      tally.Add("benchmarks", benchmarks_result.results());
    }

    // Penalties, once every city's agencies are registered.
    const std::string penalties_path = Beside(data, "penalties.json");
    auto penalties_doc = ReadJson(penalties_path);
    auto penalties_stub = penalties::v1::PenaltiesService::NewStub(tools::GatewayChannel(gateway));
    for (const auto& city : penalties_doc.at("cities")) {
      std::string code = city.at("code");
      std::string token = tokens.at("city-" + code).get<std::string>();
      penalties::v1::UpsertDecisionsRequest decisions;
      Fill(city.at("decisions"), decisions.mutable_decisions(), penalties_path);
      penalties::v1::UpsertResponse decisions_result;
      Send(code, token, [&](grpc::ClientContext* ctx) {
        return penalties_stub->UpsertDecisions(ctx, decisions, &decisions_result);
      });
      tally.Add("penalty decisions", decisions_result.results());

      penalties::v1::UpsertMeasuresRequest measures;
      Fill(city.at("measures"), measures.mutable_measures(), penalties_path);
      penalties::v1::UpsertResponse measures_result;
      Send(code, token,
           [&](grpc::ClientContext* ctx) { return penalties_stub->UpsertMeasures(ctx, measures, &measures_result); });
      tally.Add("coercive measures", measures_result.results());
    }
    // Withdrawals and releases: each as its city, the record's fields without "city".
    auto each_event = [&](const char* list, auto&& send) {
      for (const auto& event : penalties_doc.at(list)) {
        const std::string code = event.at("city");
        nlohmann::json fields = event;
        fields.erase("city");
        Send(code, tokens.at("city-" + code).get<std::string>(),
             [&](grpc::ClientContext* ctx) { return send(fields, ctx); });
      }
    };
    each_event("withdrawals", [&](const nlohmann::json& fields, grpc::ClientContext* ctx) {
      penalties::v1::WithdrawDecisionRequest request;
      Parse(fields, &request, penalties_path);
      penalties::v1::PublishedRecord record;
      grpc::Status status = penalties_stub->WithdrawDecision(ctx, request, &record);
      if (status.ok()) {
        std::cout << "demo withdrawal: " << request.source_id() << " withdrawn on " << record.withdrawn_on() << "\n";
      }
      return status;
    });
    each_event("releases", [&](const nlohmann::json& fields, grpc::ClientContext* ctx) {
      penalties::v1::ReleaseMeasureRequest request;
      Parse(fields, &request, penalties_path);
      penalties::v1::PublishedRecord record;
      grpc::Status status = penalties_stub->ReleaseMeasure(ctx, request, &record);
      if (status.ok()) {
        std::cout << "demo release: " << request.source_id() << " released on " << record.released_on() << "\n";
      }
      return status;
    });
    tally.Print();
    return tally.rejected == 0 ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "demo load failed: " << e.what() << "\n";
    return 1;
  }
}
