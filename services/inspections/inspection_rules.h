#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "common/clock.h"
#include "common/violations.h"
#include "gongkai/inspections/v1/inspections.pb.h"

namespace gongkai::inspections {

// The service's records are its proto messages: plain data, checked and
// published by the functions below (DOMAIN.md, kinds 5 and 6).
using v1::Broadcast;
using v1::CheckObject;
using v1::Draw;
using v1::PilotUnit;
using v1::Plan;
using v1::Result;
using v1::Task;

// The bounds of every field, each enforced as a violation of that field.
// Text is UTF-8 without control characters (line feeds and tabs only where
// paragraphs are allowed), counted in bytes.
//
//   field                                           bound
//   agency_credit_code, joint/partner agencies      18 characters (GB 32100)
//   source_id, task_source_id, plan_source_id,      1 to 64 bytes of printable ASCII (kMaxSourceIdBytes)
//   pilot_unit_source_id, powers item ids
//   plan.title, task.name                           one line, 1 to 500 bytes
//   plan.objects                                    1 to 100 lines of 1 to 200 bytes (kMaxPlanObjects)
//   plan.items                                      1 to 100 (kMaxPlanItems); description one line, 1 to 500 bytes
//   plan item partner_agencies                      1 to 10 for JOINT (kMaxPartners), none otherwise
//   plan item months / quarters                     one of the two, 1 to 12 / 1 to 4 entries, no repeats
//   task.joint_agencies                             at most 20 (kMaxJointAgencies)
//   task.items, result.items                        1 to 50 (kMaxTaskItems)
//   task.objects                                    1 to 10,000 (kMaxObjects); none for a platform draw
//   task.officers                                   2 to 500 (kMaxOfficers); none for a platform draw
//   draw.pool                                       1 to 10,000 identifiers (kMaxPool), 1 to 64 bytes each
//   draw.officers                                   1 to 500
//   object.name                                     one line, 1 to 200 bytes
//   object.credit_code / id_number                  GB 32100 (organisation, required) / GB 11643 (person, optional)
//   result.problems, rectification_requirement      paragraphs, at most 5,000 bytes (kMaxResultText)
//   pilot unit platform / account                   one line, 1 to 100 / 1 to 200 bytes
//   broadcast.title                                 one line, 1 to 200 bytes
//   broadcast live_url / replay_url                 https URL, at most 2,000 bytes
inline constexpr std::size_t kMaxSourceIdBytes = 64;
inline constexpr std::size_t kMaxPlanObjects = 100;
inline constexpr std::size_t kMaxPlanItems = 100;
inline constexpr std::size_t kMaxPartners = 10;
inline constexpr std::size_t kMaxJointAgencies = 20;
inline constexpr std::size_t kMaxTaskItems = 50;
inline constexpr std::size_t kMaxObjects = 10'000;
inline constexpr std::size_t kMaxOfficers = 500;
inline constexpr std::size_t kMaxPool = 10'000;
inline constexpr std::size_t kMaxResultText = 5'000;

// ---------------------------------------------------------------- plans

// Every missing or malformed element of a plan, each a violation of its
// field under `path` ("plans[3]"): agency, source id, year, title, objects,
// items (description, method, partners for JOINT and only then, schedule
// within the year), approved_on (a date, not after today, in the plan's year
// or the year before), changed_on (empty, or a date not before approved_on
// and not after today).
common::Violations ValidatePlan(const Plan& plan, const std::string& path, common::Date today);

// The day a plan's 20 WD start: changed_on when set, else approved_on.
// Precondition: the plan is valid.
common::Date PlanClockStart(const Plan& plan);

// ---------------------------------------------------------------- tasks and results

// Whether the platform draws this task (it has a `draw`).
inline bool IsPlatformDraw(const Task& task) { return task.has_draw(); }

// Every violation of a task under `path` ("tasks[0]"): agency, source id
// (carrying none of its natural person objects' names or ID numbers: it is
// published as the key), name, joint agencies (no repeats, not the lead),
// items (no repeats), domain (a known domain code), pool_size (at least the
// objects; for a platform draw the pool's size or 0), objects (each valid as
// ValidateObject, no object twice by ObjectKey) or, for a platform draw, none,
// officers (certificate numbers, no repeats) or none for a draw, check_from
// <= check_to <= check_from + 366 days (dates), plan_source_id (empty or a
// source id), and the draw's own fields (ValidateDraw) with its draw date not
// after check_to (the objects drawn are checked within the period). For a
// platform draw registered now (`first_registration`), its draw date must be
// after today.
common::Violations ValidateTask(const Task& task, const std::string& path, common::Date today, bool first_registration);

// The draw's fields under `path` ("tasks[0].draw"): pool (identifiers as
// the proto says, no repeats), objects (1 to the pool's size), officers
// (certificate numbers, no repeats), officers_drawn (2 to the number of
// officers sent), draw_date (a date). Fields the platform sets (commitment,
// digests, excluded officers, committed_on, seed, drawn lists, revealed) must
// be empty. That officers_drawn is at most the number of *eligible* officers
// is for the adapter to check once the registry has answered
// (IneligibleOfficers).
common::Violations ValidateDraw(const Draw& draw, const std::string& path);

// An inspected object under `path`: kind, name, credit code for an
// organisation (required) and no ID number, an optional ID number for a
// natural person and no credit code.
common::Violations ValidateObject(const CheckObject& object, const std::string& path);

// Every violation of a result under `path`: agency, source id (carrying
// none of the object's personal data), task source id, object
// (ValidateObject), items (1 to 50 source ids, no repeats), outcome, problems
// and rectification requirement and deadline (required when ProblemFound,
// and then the deadline not before checked_on; absent otherwise; the texts
// within kMaxResultText also as published, masked), checked_on (a date, not
// after today). The check makes the result's public form (PublicResult):
// when `published` is given, it is left there, so that a write masks once.
common::Violations ValidateResult(const Result& result, const std::string& path, common::Date today,
                                  Result* published = nullptr);

// Outcomes that found a problem: CORRECTION_ORDERED, FOLLOW_UP_PENDING,
// CASE_OPENED.
bool ProblemFound(v1::Outcome outcome);

// The identifier of an object as a draw's pool and a task's objects name
// it: its credit code, else its object code, else its ID number, else its
// name.
std::string ObjectKey(const CheckObject& object);
// Every identifier of an object (credit code, object code, ID number: those
// it has), or its name when it has none: a result names one of a task's
// objects when any of its identifiers is one of that object's (a pool of
// object codes, results that also carry the credit code).
std::vector<std::string> ObjectKeys(const CheckObject& object);

// A stored task as its results are checked: the keys (ObjectKey) of the
// objects a result may name, computed once for a batch's results: every
// identifier of the task's objects (ObjectKeys), or a platform draw's objects drawn (draw.h Published with
// the draw's `seed`, as stored beside the task; none before the draw date,
// `drawn_yet` false). `task` must outlive it.
struct TaskObjects {
  const Task* task = nullptr;
  bool drawn_yet = true;
  std::unordered_set<std::string> keys;
};
TaskObjects ObjectsOf(const Task& task, const std::string& seed, common::Date today);

// A valid result checked against its stored task: one of the object's
// identifiers (ObjectKeys) is among `objects`, the items are among the task's, checked_on lies within the
// check period. Violations under `path` (".object", ".items[i]",
// ".checked_on").
common::Violations CheckAgainstTask(const Result& result, const TaskObjects& objects, const std::string& path);

// ---------------------------------------------------------------- what the registry says

// A powers-list item as the registry holds it.
struct PowersFact {
  int category = 0;  // registry.v1.PowerCategory
  bool random_check = false;
};
// Powers items by (agency credit code, source id).
using PowersFacts = std::map<std::pair<std::string, std::string>, PowersFact>;

// A plan's items that name a powers item: it must be an item of the plan's
// agency of category INSPECTION. Violations at
// `<path>.items[i].powers_item_source_id`.
common::Violations CheckPlanPowers(const Plan& plan, const PowersFacts& facts, const std::string& path);

// A task's items must each be an item on the random-check list of the lead
// agency or of a joint agency. Violations at `<path>.items[i]`.
common::Violations CheckTaskItems(const Task& task, const PowersFacts& facts, const std::string& path);

// A certificate as the registry answers for a task's check period.
struct CertificateFact {
  bool known = false;
  std::string agency_credit_code;
  bool valid_over_period = false;
};
using CertificateFacts = std::map<std::string, CertificateFact>;

// A task's officers (not a platform draw's): each must be known, of the lead
// or a joint agency, and valid over the whole check period. Violations at
// `<path>.officers[i]`.
common::Violations CheckTaskOfficers(const Task& task, const CertificateFacts& facts, const std::string& path);

// A platform draw's officers that may not be drawn (unknown, of another
// agency than the lead or a joint one, or not valid over the whole check
// period), in the order sent.
std::vector<std::string> IneligibleOfficers(const Task& task, const CertificateFacts& facts);

// ---------------------------------------------------------------- pilot

// A pilot unit under `path`: agency, source id, year (2000-2100), sector,
// channel, platform, account.
common::Violations ValidatePilotUnit(const PilotUnit& unit, const std::string& path);

// An instant as broadcasts carry it, RFC 3339 read strictly:
// YYYY-MM-DDTHH:MM:SS, optionally '.' and 1 to 9 digits of fraction, then Z or
// +hh:mm / -hh:mm. In UTC (microseconds; finer digits are dropped); nullopt
// for anything else, including impossible dates and times (leap seconds).
std::optional<std::chrono::sys_time<std::chrono::microseconds>> ParseInstant(std::string_view text);

// A broadcast under `path`: agency, source ids, title (also as published,
// masked), planned_start (ParseInstant), started_at and ended_at (empty or
// ParseInstant; ended needs started, and not before it, compared in UTC),
// object (ValidateObject when set), live_url (required), replay_url (empty,
// or only once ended). A URL is https://<host>..., at most 2,000 bytes,
// UTF-8 without spaces (any Unicode white space or invisible character) or
// control characters.
common::Violations ValidateBroadcast(const Broadcast& broadcast, const std::string& path);

}  // namespace gongkai::inspections
