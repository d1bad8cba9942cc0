#pragma once

// The masking corpus, testdata/masking_corpus.json, as tests read it:
// decisions and coercive measures written like real 行政处罚决定书 and
// 行政强制措施决定书 (addresses, several persons, phones in several forms, bank
// accounts and ID numbers in the text), each with the personal strings that
// must never reach the public and the text that must stay readable. Read by
// masking_corpus_test.cc and tests/e2e/masking_e2e_test.cc.

#include <google/protobuf/util/json_util.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "gongkai/penalties/v1/penalties.pb.h"

namespace gongkai::penalties {

struct MaskingCase {
  std::string name;
  // One of the two, as a city sends it (its agency_credit_code a valid code
  // that end-to-end tests replace with an agency they registered).
  std::optional<v1::PenaltyDecision> decision;
  std::optional<v1::CoerciveMeasure> measure;
  // An explanation the decision is withdrawn with (the measure released
  // with); "" for none.
  std::string withdrawal;
  // Strings that must appear in no public answer, nor, for those of 6 digits
  // or more, their digits alone (SearchForms).
  std::vector<std::string> secrets;
  // Strings the public form must still hold: decision numbers, amounts,
  // dates, articles, organisations.
  std::vector<std::string> kept;
};

// testdata/masking_corpus.json beside this header.
inline std::string MaskingCorpusPath() {
  return (std::filesystem::path(__FILE__).parent_path() / "testdata" / "masking_corpus.json").string();
}

// The cases of the corpus; throws std::runtime_error when the file cannot be
// read or a case does not parse.
inline std::vector<MaskingCase> LoadMaskingCorpus(const std::string& path = MaskingCorpusPath()) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream text;
  text << in.rdbuf();
  const nlohmann::json doc = nlohmann::json::parse(text.str());
  const auto parse = [&](const nlohmann::json& json, google::protobuf::Message* out, const std::string& name) {
    const auto status = google::protobuf::util::JsonStringToMessage(json.dump(), out);
    if (!status.ok()) throw std::runtime_error(path + ": case '" + name + "': " + status.ToString());
  };
  std::vector<MaskingCase> cases;
  for (const auto& c : doc.at("cases")) {
    MaskingCase one;
    one.name = c.at("name").get<std::string>();
    if (c.contains("decision")) parse(c["decision"], &one.decision.emplace(), one.name);
    if (c.contains("measure")) parse(c["measure"], &one.measure.emplace(), one.name);
    if (one.decision.has_value() == one.measure.has_value()) {
      throw std::runtime_error(path + ": case '" + one.name + "' needs a decision or a measure");
    }
    one.withdrawal = c.value("withdrawal", "");
    one.secrets = c.at("secrets").get<std::vector<std::string>>();
    one.kept = c.at("kept").get<std::vector<std::string>>();
    cases.push_back(std::move(one));
  }
  return cases;
}

// The digits of a text in order, in ASCII (full-width digits read as digits),
// everything else left out: 138-1234-5678 as 13812345678.
inline std::string DigitsOf(std::string_view text) {
  std::string digits;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= '0' && c <= '9') {
      digits += static_cast<char>(c);
    } else if (c == 0xEF && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0xBC) {
      const unsigned char last = static_cast<unsigned char>(text[i + 2]);
      if (last >= 0x90 && last <= 0x99) {
        digits += static_cast<char>('0' + (last - 0x90));
        i += 2;
      }
    }
  }
  return digits;
}

// The byte strings a secret must not appear as: itself and, when it holds 6
// digits or more among other characters, its digits alone (DigitsOf).
inline std::vector<std::string> SearchForms(const std::string& secret) {
  std::vector<std::string> forms = {secret};
  const std::string digits = DigitsOf(secret);
  if (digits.size() >= 6 && digits != secret) forms.push_back(digits);
  return forms;
}

}  // namespace gongkai::penalties
