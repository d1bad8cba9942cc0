// SupervisionService: the year's review coverage (评查覆盖率).
#include <tuple>

#include "common/call.h"
#include "common/errors.h"
#include "common/fields.h"
#include "common/paging.h"
#include "services/supervision/review_coverage.h"
#include "services/supervision/supervision_service.h"

namespace gongkai::supervision {
namespace {

using common::v1::ROLE_CITY;
using common::v1::ROLE_PROVINCE;

// The units not yet reviewed, about 120 bytes each.
constexpr common::PageLimits kUnreviewedPage{500, 500};

}  // namespace

grpc::ServerUnaryReactor* SupervisionService::GetReviewCoverage(grpc::CallbackServerContext* context,
                                                                const v1::GetReviewCoverageRequest* request,
                                                                v1::ReviewCoverage* response) {
  return common::Serve(context, context_, {ROLE_CITY, ROLE_PROVINCE}, [=, this](const common::CallerIdentity& caller) {
    common::Violations violations;
    CheckYearFilter(violations, request->year(), true);
    common::CheckCityFilter(violations, "city_code", request->city_code());
    const common::Page page =
        common::ReadPage(violations, request->page_size(), request->page_token(), 2, kUnreviewedPage);
    common::ThrowIfAny(violations, "bad coverage request");
    // A city sees its own coverage, whatever it asked for.
    const std::string city = caller.role == ROLE_CITY ? caller.city_code : request->city_code();
    const std::vector<EnforcementUnit> units = EnforcementUnitsOf(registry_);
    std::vector<v1::UnreviewedUnit> unreviewed;
    *response =
        CoverageOf(request->year(), city, units, store_.ReviewedUnits(request->year()), store_.Rounds(request->year()),
                   settings_.coverage_target, context_.clock.Today(), &unreviewed);
    // One page of the units not reviewed, by (city, credit code), after the
    // last one of the previous page.
    std::vector<v1::UnreviewedUnit> listed;
    for (auto& u : unreviewed) {
      if (!page.after.empty() && std::tie(u.city_code(), u.credit_code()) <= std::tie(page.after[0], page.after[1])) {
        continue;
      }
      listed.push_back(std::move(u));
      if (static_cast<int>(listed.size()) > page.size) break;
    }
    response->set_next_page_token(common::TakePage(listed, page.size, [](const v1::UnreviewedUnit& last) {
      return common::PagePosition{last.city_code(), last.credit_code()};
    }));
    for (auto& u : listed) *response->add_unreviewed() = std::move(u);
    return grpc::Status::OK;
  });
}

}  // namespace gongkai::supervision
