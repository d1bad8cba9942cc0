#include "common/calendar/calendar_loader.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "common/calendar/iso_date.h"

namespace gongkai::common {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using std::chrono::sys_days;

// Bounds a calendar file's year so a typo cannot make the calendar span millennia.
constexpr int kMinYear = 1949;
constexpr int kMaxYear = 2199;

constexpr std::string_view kHolidays = "holidays";
constexpr std::string_view kMakeupWorkingDays = "makeup_working_days";

// One validated file: its declared days, expanded.
struct CalendarFile {
  std::string name;  // For messages.
  std::string region;
  int year = 0;
  std::vector<sys_days> holidays;
  std::map<sys_days, std::string> holiday_names;
  std::vector<sys_days> makeup_working_days;
};

// A JSON library has no line numbers for values, so the line of a date is
// found by searching its quoted text after the key of the list it sits in.
class LineFinder {
 public:
  explicit LineFinder(const std::string& text) : text_(text) {}

  // 0 when not found.
  int LineOf(std::string_view list, std::string_view value) const {
    const size_t list_pos = text_.find(Quoted(list));
    if (list_pos == std::string::npos) return 0;
    const size_t pos = text_.find(Quoted(value), list_pos);
    if (pos == std::string::npos) return 0;
    return LineAt(pos);
  }

  static std::string Quoted(std::string_view s) {
    std::string out;
    out.reserve(s.size() + 2);
    out.push_back('"');
    out.append(s);
    out.push_back('"');
    return out;
  }

  int LineAt(size_t pos) const {
    pos = std::min(pos, text_.size());
    return 1 + static_cast<int>(std::count(text_.begin(), text_.begin() + pos, '\n'));
  }

 private:
  const std::string& text_;
};

std::string Where(const std::string& file, int line) { return line > 0 ? file + ":" + std::to_string(line) : file; }

bool IsValidRegion(std::string_view region) {
  if (region.empty() || region.front() == '-' || region.back() == '-') return false;
  if (region.find("--") != std::string_view::npos) return false;
  return std::all_of(region.begin(), region.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

// "cn-14-01" -> {"cn", "cn-14", "cn-14-01"}: the regions whose files apply, in order.
std::vector<std::string> RegionChain(std::string_view region) {
  std::vector<std::string> chain;
  for (size_t dash = region.find('-'); dash != std::string_view::npos; dash = region.find('-', dash + 1)) {
    chain.emplace_back(region.substr(0, dash));
  }
  chain.emplace_back(region);
  return chain;
}

const char* WeekdayName(sys_days date) {
  static constexpr const char* kNames[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                           "Thursday", "Friday", "Saturday"};
  return kNames[std::chrono::weekday{date}.c_encoding()];
}

class FileParser {
 public:
  FileParser(std::string name, const std::string& text) : name_(std::move(name)), text_(text), lines_(text) {}

  Checked<CalendarFile> Parse() {
    try {
      return ParseDocument();
    } catch (const json::exception& e) {  // Any check this parser missed.
      return Fail(0, std::string("invalid calendar file: ") + e.what());
    }
  }

 private:
  Checked<CalendarFile> ParseDocument() {
    json doc;
    try {
      doc = json::parse(text_);
    } catch (const json::parse_error& e) {
      return Fail(lines_.LineAt(e.byte > 0 ? e.byte - 1 : 0), std::string("malformed JSON: ") + e.what());
    }
    if (!doc.is_object()) return Fail(0, "the top level must be a JSON object");

    CalendarFile file;
    file.name = name_;
    if (!doc.contains("region") || !doc["region"].is_string() || !IsValidRegion(doc["region"].get<std::string>())) {
      return Fail(0, R"("region" must be a string such as "cn" or "cn-14")");
    }
    file.region = doc["region"].get<std::string>();
    if (!doc.contains("year") || !doc["year"].is_number_integer() || doc["year"].get<int64_t>() < kMinYear ||
        doc["year"].get<int64_t>() > kMaxYear) {
      return Fail(
          0, "\"year\" must be an integer between " + std::to_string(kMinYear) + " and " + std::to_string(kMaxYear));
    }
    file.year = doc["year"].get<int>();
    const std::string expected_name = file.region + "-" + std::to_string(file.year) + ".json";
    if (fs::path(name_).filename() != expected_name) {
      return Fail(0, "a file for region \"" + file.region + "\", year " + std::to_string(file.year) +
                         " must be named " + expected_name);
    }
    if (std::string error = CheckSource(doc); !error.empty()) return Fail(0, error);
    if (std::string error = ReadHolidays(doc, file); !error.empty()) return {.error = error};
    if (std::string error = ReadMakeupWorkingDays(doc, file); !error.empty()) {
      return {.error = error};
    }
    return {.value = std::move(file)};
  }

  Checked<CalendarFile> Fail(int line, const std::string& problem) const {
    return {.error = Where(name_, line) + ": " + problem};
  }

  std::string AtDate(std::string_view list, std::string_view date_text, const std::string& problem) const {
    return Where(name_, lines_.LineOf(list, date_text)) + ": " + std::string(list) + ": " + problem;
  }

  static std::string CheckSource(const json& doc) {
    const auto it = doc.find("source");
    if (it == doc.end() || !it->is_object() || !it->contains("name") || !(*it)["name"].is_string() ||
        (*it)["name"].get<std::string>().empty() || !it->contains("date") || !(*it)["date"].is_string() ||
        !ParseIsoDate((*it)["date"].get<std::string>())) {
      return R"("source" must be {"name": "<notice>", "date": "YYYY-MM-DD"})";
    }
    return "";
  }

  // A date of `list` that must lie in the file's year; error message or the date.
  Checked<sys_days> ReadDate(std::string_view list, const json& value, int year) const {
    if (!value.is_string()) {
      return {.error = Where(name_, 0) + ": " + std::string(list) + ": " + value.dump() +
                       " is not a date string \"YYYY-MM-DD\""};
    }
    const std::string text = value.get<std::string>();
    const std::optional<sys_days> date = ParseIsoDate(text);
    if (!date) return {.error = AtDate(list, text, "\"" + text + "\" is not a valid date (YYYY-MM-DD)")};
    if (static_cast<int>(std::chrono::year_month_day{*date}.year()) != year) {
      return {.error = AtDate(list, text, text + " is outside the file's year " + std::to_string(year))};
    }
    return {.value = *date};
  }

  std::string ReadHolidays(const json& doc, CalendarFile& file) {
    const auto it = doc.find(kHolidays);
    if (it == doc.end() || !it->is_array()) {
      return Where(name_, 0) + R"(: "holidays" must be a list of {"name", "from", "to"})";
    }
    for (const json& entry : *it) {
      if (!entry.is_object() || !entry.contains("name") || !entry["name"].is_string() || !entry.contains("from")) {
        return Where(name_, 0) + ": holidays: " + entry.dump() +
               R"( must be {"name": "...", "from": "YYYY-MM-DD", "to": "YYYY-MM-DD"})";
      }
      const Checked<sys_days> from = ReadDate(kHolidays, entry["from"], file.year);
      if (!from.ok()) return from.error;
      const Checked<sys_days> to = entry.contains("to") ? ReadDate(kHolidays, entry["to"], file.year) : from;
      if (!to.ok()) return to.error;
      const std::string from_text = FormatIsoDate(*from.value);
      if (*to.value < *from.value) {
        return AtDate(kHolidays, from_text,
                      "range " + from_text + " to " + FormatIsoDate(*to.value) + " ends before it starts");
      }
      for (sys_days day = *from.value; day <= *to.value; day += std::chrono::days{1}) {
        const auto [previous, inserted] = holiday_names_.emplace(day, entry["name"].get<std::string>());
        if (!inserted) {
          return AtDate(kHolidays, from_text, FormatIsoDate(day) + " is already a holiday (" + previous->second + ")");
        }
        holiday_lines_.emplace(day, lines_.LineOf(kHolidays, from_text));
        file.holidays.push_back(day);
        file.holiday_names.emplace(day, entry["name"].get<std::string>());
      }
    }
    return "";
  }

  std::string ReadMakeupWorkingDays(const json& doc, CalendarFile& file) const {
    const auto it = doc.find(kMakeupWorkingDays);
    if (it == doc.end() || !it->is_array()) {
      return Where(name_, 0) + R"(: "makeup_working_days" must be a list of "YYYY-MM-DD")";
    }
    std::set<sys_days> seen;
    for (const json& entry : *it) {
      const Checked<sys_days> date = ReadDate(kMakeupWorkingDays, entry, file.year);
      if (!date.ok()) return date.error;
      const std::string text = FormatIsoDate(*date.value);
      if (const auto holiday = holiday_names_.find(*date.value); holiday != holiday_names_.end()) {
        const int line = holiday_lines_.at(*date.value);
        return AtDate(kMakeupWorkingDays, text,
                      text + " is also a holiday (" + holiday->second +
                          (line > 0 ? ", line " + std::to_string(line) : std::string()) + "); a date cannot be both");
      }
      const unsigned weekday = std::chrono::weekday{*date.value}.c_encoding();
      if (weekday != 0 && weekday != 6) {
        return AtDate(
            kMakeupWorkingDays, text,
            text + " is a " + WeekdayName(*date.value) + "; a make-up working day must be a Saturday or Sunday");
      }
      if (!seen.insert(*date.value).second) {
        return AtDate(kMakeupWorkingDays, text, text + " is listed twice");
      }
      file.makeup_working_days.push_back(*date.value);
    }
    return "";
  }

  const std::string name_;
  const std::string& text_;
  const LineFinder lines_;
  std::map<sys_days, std::string> holiday_names_;
  std::map<sys_days, int> holiday_lines_;
};

Checked<CalendarFile> ReadCalendarFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  if (!in || !(text << in.rdbuf())) return {.error = path.string() + ": cannot be read"};
  return FileParser(path.string(), text.str()).Parse();
}

}  // namespace

Checked<WorkingDayCalendar> LoadCalendar(const fs::path& directory, std::string_view region) {
  if (!IsValidRegion(region)) {
    return {.error = "region \"" + std::string(region) + "\" is not of the form \"cn\" or \"cn-14\""};
  }
  // error_code overloads throughout: a reload reports a filesystem problem, it never throws.
  std::error_code error;
  std::vector<fs::path> paths;
  for (fs::directory_iterator it(directory, error), end; !error && it != end; it.increment(error)) {
    std::error_code ignored;
    if (it->is_regular_file(ignored) && it->path().extension() == ".json") {
      paths.push_back(it->path());
    }
  }
  if (error) return {.error = directory.string() + ": cannot list directory: " + error.message()};
  std::sort(paths.begin(), paths.end());

  const std::vector<std::string> chain = RegionChain(region);
  // Per applicable file, its depth in the chain: 0 national, 1.. overlays.
  std::vector<std::pair<size_t, CalendarFile>> applicable;
  for (const fs::path& path : paths) {
    Checked<CalendarFile> file = ReadCalendarFile(path);
    if (!file.ok()) return {.error = file.error};
    const auto depth = std::find(chain.begin(), chain.end(), file.value->region);
    if (depth != chain.end()) {
      applicable.emplace_back(depth - chain.begin(), std::move(*file.value));
    }
  }
  std::stable_sort(applicable.begin(), applicable.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });

  // Per loaded year, each declared day: the holiday's name, or nullopt for a
  // make-up working day; later (deeper) files override earlier ones on the
  // same date.
  std::map<int, std::map<sys_days, std::optional<std::string>>> declared;
  for (const auto& [depth, file] : applicable) {
    if (depth > 0 && !declared.contains(file.year)) {
      return {.error = file.name + ": overlay for " + std::to_string(file.year) + " has no national file " +
                       chain.front() + "-" + std::to_string(file.year) + ".json"};
    }
    std::map<sys_days, std::optional<std::string>>& days = declared[file.year];
    for (sys_days day : file.holidays) days[day] = file.holiday_names.at(day);
    for (sys_days day : file.makeup_working_days) days[day] = std::nullopt;
  }
  if (declared.empty()) {
    return {.error = directory.string() + ": no calendar file for region \"" + chain.front() + "\" (expected e.g. " +
                     chain.front() + "-2026.json)"};
  }

  std::vector<YearSchedule> years;
  for (const auto& [year, days] : declared) {
    YearSchedule& schedule = years.emplace_back();
    schedule.year = year;
    for (const auto& [day, holiday_name] : days) {
      if (!holiday_name) {
        schedule.makeup_working_days.push_back(day);
        continue;
      }
      schedule.holidays.push_back(day);
      schedule.holiday_names.emplace(day, *holiday_name);
    }
  }
  return {.value = WorkingDayCalendar(std::string(region), std::move(years))};
}

}  // namespace gongkai::common
