// Each service connects to PostgreSQL as its own role (scripts/db-roles),
// checked with the connection string the platform started it with: no
// superuser, owner of its schema and of everything in it, no access to another
// service's schema, nothing to create outside its schema, and no login over
// TCP without the role's password.
#include <gtest/gtest.h>

#include <map>
#include <pqxx/pqxx>
#include <set>
#include <string>

#include "common/service_table.h"
#include "gongkai/registry/v1/registry.grpc.pb.h"
#include "tests/e2e/platform.h"

namespace gongkai {
namespace {

constexpr char kInsufficientPrivilege[] = "42501";

constexpr char kRoleOfSession[] =
    "SELECT current_user::text, rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls "
    "FROM pg_roles WHERE rolname = current_user";
constexpr char kSchemaOwner[] = "SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = $1";
// The relations, functions and types of a schema, and how many of them
// current_user does not own (arrays and tables' row types follow their owner).
constexpr char kObjectsOfSchema[] =
    "SELECT count(*), count(*) FILTER (WHERE owner <> current_user::regrole) FROM ("
    "  SELECT c.relowner AS owner FROM pg_class c WHERE c.relnamespace = $1::regnamespace"
    "  UNION ALL SELECT p.proowner FROM pg_proc p WHERE p.pronamespace = $1::regnamespace"
    "  UNION ALL SELECT t.typowner FROM pg_type t WHERE t.typnamespace = $1::regnamespace) o";
constexpr char kMigrationsApplied[] = "SELECT count(*) FROM schema_migrations";
constexpr char kUseSchema[] = "SELECT set_config('search_path', $1, false)";
// Sessions of the database other than the asking one, by role.
constexpr char kSessionRoles[] =
    "SELECT r.rolname, r.rolsuper FROM pg_stat_activity a JOIN pg_roles r ON r.oid = a.usesysid "
    "WHERE a.datname = current_database() AND a.pid <> pg_backend_pid()";

// The SQLSTATE `sql` fails with on `conn`, each in its own transaction; empty
// when it succeeds (then rolled back).
std::string SqlStateOf(pqxx::connection& conn, const std::string& sql) {
  try {
    pqxx::work tx(conn);
    tx.exec(sql);
    return "";
  } catch (const pqxx::insufficient_privilege&) {
    return kInsufficientPrivilege;  // libpqxx 6.4 throws this class without its SQLSTATE
  } catch (const pqxx::sql_error& e) {
    return e.sqlstate().empty() ? std::string("failed: ") + e.what() : e.sqlstate();
  }
}

// Whether a connection with `url` is accepted.
bool Connects(const std::string& url) {
  try {
    pqxx::connection conn(url);
    return conn.is_open();
  } catch (const pqxx::broken_connection&) {
    return false;
  }
}

class DatabaseRoles : public testing::PlatformTest {};

TEST_F(DatabaseRoles, EachServiceRunsAsItsOwnRoleThatIsNoSuperuserAndOwnsItsSchema) {
  // A write through the gateway: the registry serves it as its role.
  AddAgency("140100", 1);

  std::set<std::string> roles;
  for (const auto& entry : common::ServiceTable()) {
    SCOPED_TRACE(entry.name);
    pqxx::connection conn(platform_->service_database_url(entry.name));
    pqxx::work tx(conn);
    auto role = tx.exec(kRoleOfSession);
    ASSERT_EQ(role.size(), 1u);
    const std::string user = role[0][0].as<std::string>();
    EXPECT_NE(user, "postgres");
    EXPECT_FALSE(role[0][1].as<bool>()) << user << " is a superuser";
    EXPECT_FALSE(role[0][2].as<bool>()) << user << " may create databases";
    EXPECT_FALSE(role[0][3].as<bool>()) << user << " may create roles";
    EXPECT_FALSE(role[0][4].as<bool>()) << user << " may replicate";
    EXPECT_FALSE(role[0][5].as<bool>()) << user << " bypasses row security";
    roles.insert(user);

    auto owner = tx.exec_params(kSchemaOwner, entry.name);
    ASSERT_EQ(owner.size(), 1u) << "no schema " << entry.name;
    EXPECT_EQ(owner[0][0].as<std::string>(), user);
    auto objects = tx.exec_params(kObjectsOfSchema, entry.name);
    EXPECT_GT(objects[0][0].as<int>(), 0) << "the schema is empty";
    EXPECT_EQ(objects[0][1].as<int>(), 0) << "objects of " << entry.name << " another role owns";
    // The role applied the migrations itself: their ledger is in its schema.
    tx.exec_params(kUseSchema, entry.name);
    EXPECT_GT(tx.exec(kMigrationsApplied)[0][0].as<int>(), 0);
  }
  EXPECT_EQ(roles.size(), common::ServiceTable().size()) << "two services share a role";

  pqxx::connection registry(platform_->service_database_url("registry"));
  pqxx::work tx(registry);
  EXPECT_EQ(tx.exec("SELECT count(*) FROM registry.agencies")[0][0].as<int>(), 1);
}

TEST_F(DatabaseRoles, EveryServiceSessionOfTheDatabaseIsItsRoleNeverASuperuser) {
  pqxx::connection admin(platform_->database_url());
  std::map<std::string, bool> sessions;  // role -> superuser
  EXPECT_TRUE(testing::Eventually([&] {
    pqxx::work tx(admin);
    sessions.clear();
    for (const auto& row : tx.exec(kSessionRoles)) sessions[row[0].as<std::string>()] = row[1].as<bool>();
    return sessions.size() >= common::ServiceTable().size();
  }));
  for (const auto& [role, superuser] : sessions) EXPECT_FALSE(superuser) << role << " is connected as a superuser";
  for (const auto& entry : common::ServiceTable()) {
    pqxx::connection conn(platform_->service_database_url(entry.name));
    pqxx::work tx(conn);
    EXPECT_EQ(sessions.count(tx.exec(kRoleOfSession)[0][0].as<std::string>()), 1u) << entry.name << " has no session";
  }
}

TEST_F(DatabaseRoles, AServiceCannotReadOrWriteAnotherServicesSchema) {
  const auto& table = common::ServiceTable();
  ASSERT_GE(table.size(), 2u);
  for (const auto& self : table) {
    pqxx::connection conn(platform_->service_database_url(self.name));
    for (const auto& other : table) {
      if (other.name == self.name) continue;
      SCOPED_TRACE(self.name + " on " + other.name);
      const std::string ledger = conn.quote_name(other.name) + ".schema_migrations";
      EXPECT_EQ(SqlStateOf(conn, "SELECT count(*) FROM " + ledger), kInsufficientPrivilege);
      EXPECT_EQ(SqlStateOf(conn, "INSERT INTO " + ledger + " (version, name, checksum) VALUES (999, 'x', 'x')"),
                kInsufficientPrivilege);
      EXPECT_EQ(SqlStateOf(conn, "DELETE FROM " + ledger), kInsufficientPrivilege);
      EXPECT_EQ(SqlStateOf(conn, "CREATE TABLE " + conn.quote_name(other.name) + ".intruder (id int)"),
                kInsufficientPrivilege);
    }
  }
  // The ledgers exist: what was refused was the access, not a missing table.
  pqxx::connection admin(platform_->database_url());
  for (const auto& entry : table) {
    EXPECT_EQ(SqlStateOf(admin, "SELECT count(*) FROM " + admin.quote_name(entry.name) + ".schema_migrations"), "");
  }
}

TEST_F(DatabaseRoles, AServiceCreatesNothingOutsideItsSchemaNorBecomesAnotherRole) {
  for (const auto& entry : common::ServiceTable()) {
    SCOPED_TRACE(entry.name);
    pqxx::connection conn(platform_->service_database_url(entry.name));
    EXPECT_EQ(SqlStateOf(conn, "CREATE SCHEMA intruder"), kInsufficientPrivilege);
    EXPECT_EQ(SqlStateOf(conn, "CREATE TABLE public.intruder (id int)"), kInsufficientPrivilege);
    EXPECT_EQ(SqlStateOf(conn, "SET ROLE postgres"), kInsufficientPrivilege);
    EXPECT_EQ(SqlStateOf(conn, "CREATE ROLE intruder"), kInsufficientPrivilege);
    EXPECT_EQ(SqlStateOf(conn, "CREATE TABLE " + conn.quote_name(entry.name) + ".own_table (id int)"), "");
  }
}

TEST_F(DatabaseRoles, OverLoopbackNoRoleLogsInWithoutItsPassword) {
  // Later keywords of a connection string override earlier ones; an absent
  // password file leaves libpq no password to send.
  const std::string no_password = " passfile=/nonexistent/pgpass";
  const std::string url = platform_->service_database_url("registry");
  ASSERT_TRUE(Connects(url));
  EXPECT_FALSE(Connects(url + no_password));
  EXPECT_FALSE(Connects(url + no_password + " password=wrong"));
  EXPECT_FALSE(Connects(url + " user=postgres" + no_password)) << "the superuser logs in over TCP without a password";
  // Another service's password file holds no password for this role.
  EXPECT_FALSE(Connects(platform_->service_database_url("penalties") + " user=" + pqxx::connection(url).username()));
}

}  // namespace
}  // namespace gongkai
