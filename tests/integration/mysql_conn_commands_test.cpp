// The replication commands are encoded byte for byte as the server expects them, a GTID set that does
// not parse is a configuration error naming the bad part, server errors map to the exit code that
// tells the operator what to do, and SHOW GRANTS output is judged the way the server applies it.
#include <gtest/gtest.h>

#include <string>

#include "mysql/conn/commands.h"
#include "mysql/conn/mysql_check.h"
#include "mysql/gtid_set.h"

namespace cdc::mysql {
namespace {

std::string bytes(std::initializer_list<int> b) {
  std::string s;
  for (int v : b) s.push_back(static_cast<char>(v));
  return s;
}

TEST(MysqlConnCommands, BinlogDumpIsPosFlagsServerIdThenFileName) {
  std::string p = encode_binlog_dump(0x01020304, "mysql-bin.000003", 0x1234, kDumpNonBlock);
  EXPECT_EQ(p, bytes({0x34, 0x12, 0, 0, 0x01, 0x00, 0x04, 0x03, 0x02, 0x01}) + "mysql-bin.000003");
}

TEST(MysqlConnCommands, RegisterReplicaReportsHostButNoCredentials) {
  std::string p = encode_register_replica(7, "agent1", 3306);
  EXPECT_EQ(p, bytes({7, 0, 0, 0, 6}) + "agent1" + bytes({0, 0, 0xea, 0x0c, 0, 0, 0, 0, 0, 0, 0, 0}));
}

TEST(MysqlConnCommands, GtidDumpEncodesEachSidWithExclusiveIntervalEnds) {
  std::string p = encode_binlog_dump_gtid(5, "3E11FA47-71CA-11E1-9E33-C80AA9429562:1-5:7,\n"
                                             "00000000-0000-0000-0000-000000000001:10", 0);
  std::string expected = bytes({0x04, 0, 5, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0});
  std::string sids = bytes({2, 0, 0, 0, 0, 0, 0, 0});
  sids += bytes({0x3e, 0x11, 0xfa, 0x47, 0x71, 0xca, 0x11, 0xe1, 0x9e, 0x33, 0xc8, 0x0a, 0xa9, 0x42, 0x95, 0x62});
  sids += bytes({2, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0});
  sids += bytes({7, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0});
  sids += bytes({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
  sids += bytes({1, 0, 0, 0, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0, 0, 0, 11, 0, 0, 0, 0, 0, 0, 0});
  expected += bytes({static_cast<int>(sids.size()), 0, 0, 0}) + sids;
  EXPECT_EQ(p, expected);
}

// What a MySQL GTID resume sends is the executed set the decoder tracked (GtidSet::text()), which must encode
// like the server's own text of that set. (No MySQL 8 server in the test environment: the live
// COM_BINLOG_DUMP_GTID path is covered only by these byte-level tests.)
TEST(MysqlConnCommands, TrackedExecutedSetEncodesLikeTheServersText) {
  const std::string u = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
  GtidSet g = GtidSet::parse(u + ":1-4");
  g.add_mysql(u, 5);
  g.add_mysql(u, 7);
  g.add_mysql("00000000-0000-0000-0000-000000000001", 10);
  EXPECT_EQ(encode_binlog_dump_gtid(5, g.text(), 0),
            encode_binlog_dump_gtid(5, "00000000-0000-0000-0000-000000000001:10,\n"
                                       "3E11FA47-71CA-11E1-9E33-C80AA9429562:1-5:7", 0));
}

TEST(MysqlConnCommands, EmptyGtidSetAsksForEverything) {
  std::string p = encode_binlog_dump_gtid(1, "", 0);
  EXPECT_EQ(p.substr(p.size() - 12), bytes({8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
}

TEST(MysqlConnCommands, BadGtidSetsAreConfigErrorsNamingThePart) {
  for (const char* bad : {"nonsense", "3E11FA47-71CA-11E1-9E33-C80AA9429562:5-2", "3E11FA47-71CA-11E1-9E33:1-2",
                          "3E11FA47-71CA-11E1-9E33-C80AA9429562:tag:1-2"}) {
    try {
      encode_binlog_dump_gtid(1, bad, 0);
      ADD_FAILURE() << bad << " was accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::config) << e.what();
      EXPECT_NE(std::string(e.what()).find("invalid MySQL GTID set"), std::string::npos) << e.what();
    }
  }
  try {
    encode_binlog_dump_gtid(1, "3E11FA47-71CA-11E1-9E33-C80AA9429562:tag:1-2", 0);
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("tagged GTIDs"), std::string::npos) << e.what();
  }
  for (const char* bad_digit : {"3E11FA47-71CA-11E1-9E33-C80AA942956G:1", "3e11fa47-71ca-11e1-9e33-c80aa94295z2:1",
                                "3E11FA47-71CA-11E1-9E33-C80AA9429562\x80:1"}) {
    try {
      encode_binlog_dump_gtid(1, bad_digit, 0);
      ADD_FAILURE() << bad_digit << " was accepted";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("not a server UUID"), std::string::npos) << e.what();
    }
  }
}

ExitCode code_of(unsigned err, const char* message) {
  try {
    throw_mysql_error(err, message, "reading the binlog from mysql-bin.000003:4");
  } catch (const TransientError&) {
    return ExitCode::temporary;
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("mysql-bin.000003:4"), std::string::npos) << e.what();
    return e.code();
  }
}

TEST(MysqlConnCommands, ServerErrorsMapToWhatTheOperatorMustDo) {
  EXPECT_EQ(code_of(1236, "Could not find first log file name in binary log index file"), ExitCode::source_unusable);
  EXPECT_EQ(code_of(1236, "The slave is connecting using CHANGE MASTER TO MASTER_AUTO_POSITION = 1, but the "
                          "master has purged binary logs containing GTIDs that the slave requires."),
            ExitCode::source_unusable);
  EXPECT_EQ(code_of(1236, "A slave with the same server_uuid/server_id as this slave has connected to the master"),
            ExitCode::source_unusable);
  EXPECT_EQ(code_of(4052, "A slave with the same server_uuid/server_id is already connected"), ExitCode::source_unusable);
  EXPECT_EQ(code_of(1045, "Access denied for user 'cdc'@'localhost' (using password: YES)"), ExitCode::auth);
  EXPECT_EQ(code_of(1227, "Access denied; you need (at least one of) the REPLICATION SLAVE privilege(s)"),
            ExitCode::auth);
  EXPECT_EQ(code_of(2013, "Lost connection to server during query"), ExitCode::temporary);
  EXPECT_EQ(code_of(2003, "Can't connect to server on '127.0.0.1' (111)"), ExitCode::temporary);
  EXPECT_EQ(code_of(1927, "Connection was killed"), ExitCode::temporary);
  EXPECT_EQ(code_of(2026, "SSL connection error: certificate verify failed"), ExitCode::config);
  EXPECT_EQ(code_of(1064, "You have an error in your SQL syntax"), ExitCode::internal);
}

TEST(MysqlConnGrants, MariaDbBinlogMonitorCountsAsReplicationClient) {
  CheckResult r = check_grants({"GRANT SELECT, RELOAD, REPLICATION SLAVE, BINLOG MONITOR ON *.* TO `cdc`@`%` "
                                "IDENTIFIED BY PASSWORD '*C9DB'"},
                               "", "'cdc'@'%'");
  EXPECT_EQ(r.status, CheckStatus::pass) << r.detail;
}

TEST(MysqlConnGrants, AllPrivilegesOnEverythingPasses) {
  CheckResult r = check_grants({"GRANT ALL PRIVILEGES ON *.* TO `root`@`localhost` WITH GRANT OPTION"}, "", "'root'@'localhost'");
  EXPECT_EQ(r.status, CheckStatus::pass) << r.detail;
}

TEST(MysqlConnGrants, SelectOnTheConfiguredDatabaseIsEnough) {
  CheckResult r = check_grants({"GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO `cdc`@`%`",
                                "GRANT SELECT, INSERT ON `shop`.* TO `cdc`@`%`"},
                               "shop", "'cdc'@'%'");
  EXPECT_EQ(r.status, CheckStatus::pass) << r.detail;
}

TEST(MysqlConnGrants, MissingPrivilegesFailWithTheGrantStatement) {
  CheckResult r = check_grants({"GRANT USAGE ON *.* TO `cdc`@`%`", "GRANT SELECT (id, name) ON `shop`.`t` TO `cdc`@`%`"},
                               "shop", "'cdc'@'%'");
  EXPECT_EQ(r.status, CheckStatus::fail);
  EXPECT_EQ(r.fix, "GRANT REPLICATION SLAVE, REPLICATION CLIENT, SELECT ON *.* TO 'cdc'@'%';");
}

TEST(MysqlConnGrants, TableLevelSelectIsNamedInTheDetail) {
  CheckResult r = check_grants({"GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO `cdc`@`%`",
                                "GRANT SELECT ON `shop`.`orders` TO `cdc`@`%`"},
                               "shop", "'cdc'@'%'");
  EXPECT_EQ(r.status, CheckStatus::fail);
  EXPECT_NE(r.detail.find("some tables only"), std::string::npos) << r.detail;
}

// Column-level grants on a wide table print one line of tens of kilobytes; std::regex's backtracking
// matcher recursed once per character on it and could overflow the stack of `cdc-agent check`.
TEST(MysqlConnGrants, LongColumnGrantLinesAreParsed) {
  std::string columns;
  for (int i = 0; i < 5000; ++i) columns += (i ? ", `column_" : "`column_") + std::to_string(i) + "`";
  CheckResult r = check_grants({"GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO `cdc`@`%`",
                                "GRANT SELECT (" + columns + ") ON `shop`.`wide` TO `cdc`@`%`"},
                               "shop", "'cdc'@'%'");
  EXPECT_EQ(r.status, CheckStatus::fail);
  EXPECT_EQ(r.detail, "missing SELECT");  // column grants do not count
}

TEST(MysqlConnGrants, LinesAreReadAsTheServerWritesThem) {
  // Any case; a column whose name holds " ON "; a proxy grant (no privileges the agent needs).
  EXPECT_EQ(check_grants({"grant replication slave, replication client, select on *.* to `cdc`@`%`"}, "", "'cdc'@'%'")
                .status,
            CheckStatus::pass);
  CheckResult r = check_grants({"GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO `cdc`@`%`",
                                "GRANT INSERT (`a ON b`), SELECT ON `shop`.* TO `cdc`@`%`",
                                "GRANT PROXY ON ''@'%' TO `cdc`@`%` WITH GRANT OPTION"},
                               "shop", "'cdc'@'%'");
  EXPECT_EQ(r.status, CheckStatus::pass) << r.detail;
  EXPECT_EQ(check_grants({"GRANT SELECT ON `shop`.* TO `cdc`@`%`", "GRANT REPLICATION SLAVE ON *.* TO `cdc`@`%`",
                          "GRANT BINLOG MONITOR ON *.* TO `cdc`@`%`"},
                         "shop", "'cdc'@'%'")
                .status,
            CheckStatus::pass);
  EXPECT_EQ(check_grants({"GRANT USAGE ON *.* TO `cdc`@`%`", "GRANT cdc_role TO cdc"}, "", "'cdc'@'%'").status,
            CheckStatus::warn);
}

TEST(MysqlConnGrants, RolesTurnAFailureIntoAWarning) {
  CheckResult r = check_grants({"GRANT USAGE ON *.* TO `cdc`@`%`", "GRANT `cdc_role` TO `cdc`@`%`"}, "", "'cdc'@'%'");
  EXPECT_EQ(r.status, CheckStatus::warn) << r.detail;
}

}  // namespace
}  // namespace cdc::mysql
