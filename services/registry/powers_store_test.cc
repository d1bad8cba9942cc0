#include "services/registry/powers_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <pqxx/pqxx>

#include "common/calendar/iso_date.h"
#include "common/identifiers.h"
#include "common/testing/dates.h"
#include "common/testing/postgres.h"
#include "services/registry/agency_store.h"

namespace gongkai::registry {
namespace {

using common::UpsertOutcome;

using gongkai::testing::Day;

std::string AgencyCode(int n) {
  std::string first17 = "11140100MB" + std::to_string(1000000 + n).substr(0, 7);
  return first17 + common::CreditCodeCheckCharacter(first17);
}

class PowersStoreTest : public ::testing::Test {
 protected:
  PowersStoreTest()
      : pool_(db_.MigratedPool(gongkai_registry_migrations())),
        agencies_(std::make_unique<PgAgencyStore>(*pool_)),
        powers_(std::make_unique<PgPowersStore>(*pool_)) {
    std::vector<Agency> agencies;
    for (int n : {1, 2}) {
      Agency a;
      a.credit_code = AgencyCode(n);
      a.name = "执法机构" + std::to_string(n);
      a.legal_representative = "王某";
      a.area_code = "140105";
      a.city_code = "140100";
      a.contact = "0351-1";
      a.domains = {"market_regulation"};
      a.valid_from = Day("2026-01-01");
      a.valid_until = Day("2030-12-31");
      a.source_version = 1;
      agencies.push_back(a);
    }
    agencies_->UpsertBatch("140100", agencies, {}, Day("2026-11-28"));
  }

  static PowersItem Make(int agency, const std::string& source_id, int64_t version) {
    PowersItem p;
    p.agency_credit_code = AgencyCode(agency);
    p.source_id = source_id;
    p.source_version = version;
    p.name = "行政检查" + source_id;
    p.category = PowerCategory::kInspection;
    p.legal_basis = {{"中华人民共和国食品安全法", 110, 0, 0}};
    p.responsibilities = "检查";
    p.accountability = "失职追责";
    p.changed_on = Day("2026-09-01");
    return p;
  }

  std::vector<UpsertOutcome> Upsert(const std::vector<PowersItem>& items, const char* today = "2026-11-28") {
    return powers_->UpsertBatch("140100", items, {}, Day(today));
  }

  testing::TestDatabase db_;
  std::unique_ptr<common::PgPool> pool_;
  std::unique_ptr<PgAgencyStore> agencies_;
  std::unique_ptr<PgPowersStore> powers_;
};

TEST_F(PowersStoreTest, NewerVersionIsAcceptedEqualOrOlderUnchanged) {
  EXPECT_EQ(Upsert({Make(1, "A", 2), Make(1, "B", 1)}),
            (std::vector<UpsertOutcome>{UpsertOutcome::kAccepted, UpsertOutcome::kAccepted}));
  PowersItem older = Make(1, "A", 1);
  older.name = "旧名";
  PowersItem newer = Make(1, "B", 2);
  newer.name = "新名";
  EXPECT_EQ(Upsert({older, newer}), (std::vector<UpsertOutcome>{UpsertOutcome::kUnchanged, UpsertOutcome::kAccepted}));
  EXPECT_EQ(Upsert({Make(1, "A", 2)}), (std::vector<UpsertOutcome>{UpsertOutcome::kUnchanged}));
  auto listed = powers_->List({AgencyCode(1), 0, "", "", "", 10});
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].name, "行政检查A");
  EXPECT_EQ(listed[0].source_version, 2);
  EXPECT_EQ(listed[1].name, "新名");
  EXPECT_EQ(listed[1].source_version, 2);
  EXPECT_EQ(listed[1].city_code, "140100");
  EXPECT_EQ(listed[1].legal_basis, Make(1, "B", 2).legal_basis);
}

TEST_F(PowersStoreTest, ChangeAndPublicationDaysRoundTrip) {
  PowersItem item = Make(1, "A", 1);
  item.changed_on = Day("2026-03-02");
  Upsert({item}, "2026-03-20");
  auto listed = powers_->List({AgencyCode(1), 0, "", "", "", 10});
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].changed_on, Day("2026-03-02"));
  EXPECT_EQ(listed[0].published_on, Day("2026-03-20"));

  Upsert({Make(1, "A", 1)}, "2026-04-01");
  EXPECT_EQ(powers_->List({AgencyCode(1), 0, "", "", "", 10})[0].published_on, Day("2026-03-20"))
      << "an unchanged version is not published again";
}

TEST_F(PowersStoreTest, RejectionIsKeptUntilAnAcceptedVersionClearsIt) {
  const std::string key = PowersItemKey(AgencyCode(1), "A");
  common::Rejection bad{"powers_item", key, 1, R"({"source_id":"A"})", {{"items[0].name", "required"}}, "", 0};
  powers_->UpsertBatch("140100", {}, {bad}, Day("2026-11-28"));
  auto kept = agencies_->ListRejections("140100", 0, 10);
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].kind, "powers_item");
  EXPECT_EQ(kept[0].key, key);
  EXPECT_EQ(kept[0].violations, bad.violations);

  // Another key's acceptance leaves it; its own clears it.
  Upsert({Make(1, "B", 1)});
  EXPECT_EQ(agencies_->ListRejections("140100", 0, 10).size(), 1u);
  Upsert({Make(1, "A", 2)});
  EXPECT_TRUE(agencies_->ListRejections("140100", 0, 10).empty());
}

TEST_F(PowersStoreTest, ListFiltersByAgencyCategoryAndKeywordAndPagesByKey) {
  std::vector<PowersItem> items;
  for (const char* id : {"A", "B", "C", "D"}) items.push_back(Make(1, id, 1));
  items[1].category = PowerCategory::kPenalty;
  items[2].responsibilities = "立案、调查、许可审查";
  items.push_back(Make(2, "A", 1));
  Upsert(items);

  EXPECT_EQ(powers_->List({"", 0, "", "", "", 10}).size(), 5u);
  EXPECT_EQ(powers_->List({AgencyCode(2), 0, "", "", "", 10}).size(), 1u);
  auto penalties = powers_->List({"", static_cast<int>(PowerCategory::kPenalty), "", "", "", 10});
  ASSERT_EQ(penalties.size(), 1u);
  EXPECT_EQ(penalties[0].source_id, "B");
  auto by_keyword = powers_->List({"", 0, "许可", "", "", 10});
  ASSERT_EQ(by_keyword.size(), 1u);
  EXPECT_EQ(by_keyword[0].source_id, "C");
  EXPECT_EQ(powers_->List({"", 0, "行政检查D", "", "", 10}).size(), 1u) << "the name matches too";

  // Keyset pages, by (agency, source id).
  auto first = powers_->List({"", 0, "", "", "", 3});
  ASSERT_EQ(first.size(), 3u);
  EXPECT_EQ(first.back().source_id, "C");
  auto rest = powers_->List({"", 0, "", first.back().agency_credit_code, first.back().source_id, 10});
  ASSERT_EQ(rest.size(), 2u);
  EXPECT_EQ(rest[0].agency_credit_code, AgencyCode(1));
  EXPECT_EQ(rest[0].source_id, "D");
  EXPECT_EQ(rest[1].agency_credit_code, AgencyCode(2));
  EXPECT_EQ(rest[1].source_id, "A");
}

// The keyword is a substring as it is: LIKE's % and _ and its escape
// character, the backslash, match only themselves.
TEST_F(PowersStoreTest, AKeywordsPercentUnderscoreAndBackslashAreLiteral) {
  std::vector<PowersItem> items;
  for (const char* name : {"满50%减", "满500减", "a_b事项", "axb事项", "C:\\x目录", "C:x目录"}) {
    items.push_back(Make(1, name, 1));
    items.back().name = name;
  }
  Upsert(items);
  const auto found = [&](const std::string& keyword) {
    std::vector<std::string> names;
    for (const auto& item : powers_->List({"", 0, keyword, "", "", 10})) names.push_back(item.name);
    return names;
  };
  EXPECT_EQ(found("50%"), std::vector<std::string>{"满50%减"});
  EXPECT_EQ(found("a_b"), std::vector<std::string>{"a_b事项"});
  EXPECT_EQ(found("C:\\x"), std::vector<std::string>{"C:\\x目录"});
  EXPECT_EQ(found("%"), std::vector<std::string>{"满50%减"});
  EXPECT_EQ(found("_"), std::vector<std::string>{"a_b事项"});
  EXPECT_EQ(found("减"), (std::vector<std::string>{"满50%减", "满500减"})) << "in key order ('%' sorts before '0')";
}

// On a table with some thousands of items, a keyword search is planned for
// its keyword, even on a connection whose plans are made for any keyword
// (plan_cache_mode = force_generic_plan, what PostgreSQL may settle on for
// a prepared statement), and that plan reads the trigram indexes of
// migration 005 (name and responsibilities).
TEST_F(PowersStoreTest, AKeywordSearchIsPlannedForItsKeywordAndUsesTheTrigramIndexes) {
  std::vector<PowersItem> items;
  for (int i = 0; i < 3000; ++i) {
    items.push_back(Make(1 + i % 2, std::string("S") + std::to_string(i), 1));
    items.back().responsibilities = std::string("立案、调查、审查、告知、决定、送达、执行") + std::to_string(i * 7);
  }
  items[1234].name = "对未取得食品生产许可证从事生产的处罚";
  Upsert(items);
  // One connection: the store prepares its statement on it, and the test
  // reads the statement's plans there.
  auto pool = db_.MigratedPool(gongkai_registry_migrations(), 1);
  PgPowersStore store(*pool);
  pool->Run([](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    tx.exec("SET plan_cache_mode = force_generic_plan");
  });
  for (int call = 0; call < 3; ++call) {
    auto found = store.List({"", 0, "许可证", "", "", 51});
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].source_id, "S1234");
  }
  pool->Run([](pqxx::connection& c) {
    pqxx::work tx(c);
    const auto plans = tx.exec(
        "SELECT generic_plans, custom_plans FROM pg_prepared_statements "
        "WHERE name = 'registry_list_powers_by_keyword'");
    ASSERT_EQ(plans.size(), 1u);
    EXPECT_EQ(plans[0][0].as<int>(), 0);
    EXPECT_EQ(plans[0][1].as<int>(), 3);
  });

  const std::string plan = pool->Run([](pqxx::connection& c) {
    pqxx::work tx(c);
    // Rows written since the indexes were built wait in GIN's pending list,
    // which the planner counts as read on every search, until a vacuum
    // (autovacuum) merges them; so here.
    tx.exec(
        "SELECT gin_clean_pending_list('registry.powers_items_name_trgm'), "
        "gin_clean_pending_list('registry.powers_items_responsibilities_trgm')");
    tx.exec("ANALYZE registry.powers_items");
    tx.exec("SET LOCAL plan_cache_mode = force_custom_plan");
    std::string text;
    for (const auto& row :
         tx.exec("EXPLAIN EXECUTE registry_list_powers_by_keyword('', 0, false, '许可证', '', '', 51)")) {
      text += row[0].as<std::string>() + "\n";
    }
    return text;
  });
  EXPECT_NE(plan.find("Bitmap Index Scan on powers_items_name_trgm"), std::string::npos) << plan;
  EXPECT_NE(plan.find("Bitmap Index Scan on powers_items_responsibilities_trgm"), std::string::npos) << plan;
}

TEST_F(PowersStoreTest, ChangeFeedIsInSeqOrderAndResumesAfterTheLastSeqSeen) {
  Upsert({Make(1, "A", 1), Make(1, "B", 1), Make(2, "A", 1)});
  auto all = powers_->Changes(0, 100);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_LT(all[0].change_seq, all[1].change_seq);
  EXPECT_LT(all[1].change_seq, all[2].change_seq);
  const int64_t last = all.back().change_seq;
  EXPECT_TRUE(powers_->Changes(last, 100).empty());

  // An unchanged version is no change; a new one comes once, at its latest seq.
  Upsert({Make(1, "A", 1), Make(1, "B", 2)});
  auto changed = powers_->Changes(last, 100);
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_EQ(changed[0].source_id, "B");
  EXPECT_EQ(changed[0].agency_credit_code, AgencyCode(1));
  EXPECT_GT(changed[0].change_seq, last);
  EXPECT_EQ(powers_->Changes(0, 100).size(), 3u);
  EXPECT_EQ(powers_->Changes(0, 2).size(), 2u);
}

// The random-check list (随机抽查事项清单): the flag is stored with the
// item, a newer version changes it, the list and the feed carry it, and the
// list filters on it, with or without a keyword.
TEST_F(PowersStoreTest, TheRandomCheckFlagIsStoredAndTheListFiltersOnIt) {
  std::vector<PowersItem> items;
  for (const char* id : {"A", "B", "C"}) items.push_back(Make(1, id, 1));
  items[0].random_check = true;
  items[2].random_check = true;
  items.push_back(Make(2, "A", 1));
  Upsert(items);

  const auto ids = [](const std::vector<PowersItem>& listed) {
    std::vector<std::string> out;
    for (const auto& item : listed)
      out.push_back(std::to_string(item.agency_credit_code == AgencyCode(1) ? 1 : 2) + item.source_id);
    return out;
  };
  const auto all = powers_->List({"", 0, "", "", "", 10});
  EXPECT_EQ(ids(all), (std::vector<std::string>{"1A", "1B", "1C", "2A"}));
  EXPECT_TRUE(all[0].random_check);
  EXPECT_FALSE(all[1].random_check);
  PowersFilter random{"", 0, "", "", "", 10, true};
  EXPECT_EQ(ids(powers_->List(random)), (std::vector<std::string>{"1A", "1C"}));
  random.keyword = "行政检查C";
  EXPECT_EQ(ids(powers_->List(random)), (std::vector<std::string>{"1C"}));
  random.keyword = "行政检查B";
  EXPECT_TRUE(powers_->List(random).empty()) << "B is found by its name but is not on the list";
  PowersFilter page{"", 0, "", AgencyCode(1), "A", 10, true};
  EXPECT_EQ(ids(powers_->List(page)), (std::vector<std::string>{"1C"})) << "keyset pages of the filtered list";

  // A newer version takes the item off the list.
  PowersItem off = Make(1, "A", 2);
  Upsert({off});
  EXPECT_EQ(ids(powers_->List({"", 0, "", "", "", 10, true})), (std::vector<std::string>{"1C"}));
  const auto feed = powers_->Changes(0, 100);
  ASSERT_EQ(feed.size(), 4u);
  EXPECT_EQ(feed.back().source_id, "A");
  EXPECT_FALSE(feed.back().random_check);
  EXPECT_TRUE(std::any_of(feed.begin(), feed.end(), [](const PowersItem& i) { return i.random_check; }))
      << "the feed carries the flag";
}

// The table holds the domain's rule too: only an inspection item is on the list.
TEST_F(PowersStoreTest, TheTableRefusesARandomCheckItemOfAnotherCategory) {
  PowersItem item = Make(1, "A", 1);
  item.category = PowerCategory::kPenalty;
  item.random_check = true;
  EXPECT_ANY_THROW(Upsert({item}));
  EXPECT_TRUE(powers_->List({"", 0, "", "", "", 10}).empty());
}

// GetPowersItems: the items of any of the agencies with any of the ids, by
// key, without their long texts; what is not stored is not found.
TEST_F(PowersStoreTest, FindAnswersTheItemsOfAnyAgencyWithAnyIdWithoutTheLongTexts) {
  std::vector<PowersItem> items;
  for (const char* id : {"A", "B", "C"}) items.push_back(Make(1, id, 1));
  items[1].category = PowerCategory::kPenalty;
  items[2].random_check = true;
  items.push_back(Make(2, "A", 1));
  items.push_back(Make(2, "C", 1));
  Upsert(items);

  const auto found = powers_->Find({AgencyCode(2), AgencyCode(1), AgencyCode(9)}, {"C", "B", "Z"});
  ASSERT_EQ(found.size(), 3u);
  EXPECT_EQ(found[0].agency_credit_code, AgencyCode(1));
  EXPECT_EQ(found[0].source_id, "B");
  EXPECT_EQ(found[0].category, PowerCategory::kPenalty);
  EXPECT_FALSE(found[0].random_check);
  EXPECT_EQ(found[1].agency_credit_code, AgencyCode(1));
  EXPECT_EQ(found[1].source_id, "C");
  EXPECT_EQ(found[1].category, PowerCategory::kInspection);
  EXPECT_TRUE(found[1].random_check);
  EXPECT_EQ(found[1].name, "行政检查C");
  EXPECT_EQ(found[1].city_code, "140100");
  EXPECT_TRUE(found[1].responsibilities.empty());
  EXPECT_TRUE(found[1].legal_basis.empty());
  EXPECT_EQ(found[2].agency_credit_code, AgencyCode(2));
  EXPECT_EQ(found[2].source_id, "C");
  EXPECT_TRUE(powers_->Find({AgencyCode(9)}, {"A"}).empty());
}

// The enforcement units: the agencies holding a LICENSING or PENALTY item,
// by credit code, with their names and cities; an agency holding only
// INSPECTION and COERCION items is not one, nor one holding none. An item
// replaced by a newer version of another category counts as it is now.
TEST_F(PowersStoreTest, EnforcementUnitsAreTheAgenciesHoldingLicensingOrPenaltyItems) {
  std::vector<Agency> more;
  for (int n : {3, 4}) {
    Agency a;
    a.credit_code = AgencyCode(n);
    a.name = "执法机构" + std::to_string(n);
    a.legal_representative = "王某";
    a.area_code = "140105";
    a.city_code = "140100";
    a.contact = "0351-1";
    a.domains = {"market_regulation"};
    a.valid_from = Day("2026-01-01");
    a.valid_until = Day("2030-12-31");
    a.source_version = 1;
    more.push_back(a);
  }
  agencies_->UpsertBatch("140100", more, {}, Day("2026-11-28"));
  EXPECT_TRUE(powers_->EnforcementUnits(kMaxEnforcementUnits).empty()) << "no items, no units";

  std::vector<PowersItem> items;
  items.push_back(Make(1, "JC-1", 1));  // agency 1: inspection only
  items.push_back(Make(1, "QZ-1", 1));
  items.back().category = PowerCategory::kCoercion;
  items.push_back(Make(2, "XK-1", 1));  // agency 2: licensing
  items.back().category = PowerCategory::kLicensing;
  items.push_back(Make(2, "JC-2", 1));
  items.push_back(Make(3, "CF-1", 1));  // agency 3: penalty
  items.back().category = PowerCategory::kPenalty;
  items.push_back(Make(4, "CF-2", 1));  // agency 4: a penalty item, soon reclassified
  items.back().category = PowerCategory::kPenalty;
  Upsert(items);

  const auto codes = [&](std::size_t limit) {
    std::vector<std::string> out;
    for (const auto& unit : powers_->EnforcementUnits(limit)) out.push_back(unit.credit_code);
    return out;
  };
  EXPECT_EQ(codes(kMaxEnforcementUnits), (std::vector<std::string>{AgencyCode(2), AgencyCode(3), AgencyCode(4)}));
  const auto units = powers_->EnforcementUnits(kMaxEnforcementUnits);
  ASSERT_EQ(units.size(), 3u);
  EXPECT_EQ(units[0].name, "执法机构2");
  EXPECT_EQ(units[0].city_code, "140100");
  EXPECT_EQ(codes(2), (std::vector<std::string>{AgencyCode(2), AgencyCode(3)})) << "the first `limit` of them";

  PowersItem reclassified = Make(4, "CF-2", 2);
  reclassified.category = PowerCategory::kOther;
  Upsert({reclassified});
  EXPECT_EQ(codes(kMaxEnforcementUnits), (std::vector<std::string>{AgencyCode(2), AgencyCode(3)}));
}

}  // namespace
}  // namespace gongkai::registry
