#include "main/cli.h"

#include <CLI/CLI.hpp>

#include <functional>
#include <iostream>

#include "cdc_version.h"
#include "config/config.h"
#include "config/docs.h"
#include "main/commands.h"
#include "util/log.h"

namespace cdc {
namespace {

int exit_code(ExitCode c) { return static_cast<int>(c); }

// Every way out of a command becomes an exit code; nothing escapes main().
int guarded(const std::function<int()>& body) {
  try {
    return body();
  } catch (const ConfigError& e) {
    // Plain stderr lines, not log records: the operator reads them while fixing the file.
    for (const auto& m : e.messages()) std::cerr << m << '\n';
    return exit_code(ExitCode::config);
  } catch (const Error& e) {
    spdlog::error("{}", e.what());
    return exit_code(e.code());
  } catch (const std::exception& e) {
    spdlog::critical("internal error: {}", e.what());
    return exit_code(ExitCode::internal);
  }
}

int with_config(const std::string& path, int (*command)(const Config&)) {
  return guarded([&] {
    Config cfg = load_config(path);
    setup_logging(cfg.log.level, cfg.log.format);
    return command(cfg);
  });
}

int generate_docs(const std::string& which) {
  std::cout << (which == "configuration" ? config::configuration_markdown() : config::exit_codes_markdown());
  return exit_code(ExitCode::ok);
}

}  // namespace

int cli_main(int argc, char** argv) {
  // Until a configuration says otherwise: text on stderr, so `decode` keeps stdout for envelopes only.
  setup_logging("info", "text");

  CLI::App app{"Change data capture from MySQL/MariaDB and PostgreSQL to Kafka, as Debezium envelopes.",
               "cdc-agent"};
  app.set_version_flag("--version", "cdc-agent " CDC_AGENT_VERSION);
  app.require_subcommand(1);

  std::string config_path;
  auto* run = app.add_subcommand("run", "Stream changes until SIGTERM/SIGINT, then drain and exit 0");
  run->add_option("-c,--config", config_path, "Configuration file (YAML)")->required()->type_name("FILE");
  auto* check = app.add_subcommand("check", "Preflight the configuration, servers, privileges and Kafka");
  check->add_option("-c,--config", config_path, "Configuration file (YAML)")->required()->type_name("FILE");

  DecodeArgs decode_args;
  auto* decode = app.add_subcommand("decode", "Decode MySQL/MariaDB binlog files offline, one envelope per line");
  decode->add_flag("--schemas", decode_args.schemas, "Wrap key and value as {\"schema\":…,\"payload\":…}");
  decode->add_option("--prefix", decode_args.prefix, "Topic prefix and source.name")->capture_default_str();
  decode->add_option("files", decode_args.files, "Binlog files, in order")->required()->check(CLI::ExistingFile);

  // Hidden (empty group): regenerates docs/configuration.md and docs/exit-codes.md from the code.
  std::string document;
  auto* docs = app.add_subcommand("gen-docs", "Print generated documentation")->group("");
  docs->add_option("document", document)->required()->check(CLI::IsMember({"configuration", "exit-codes"}));

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version arrive here too, with exit code 0; everything else is a usage error.
    int rc = app.exit(e);
    return rc == 0 ? exit_code(ExitCode::ok) : exit_code(ExitCode::usage);
  }

  if (run->parsed()) return with_config(config_path, run_command);
  if (check->parsed()) return with_config(config_path, check_command);
  if (decode->parsed()) return guarded([&] { return decode_command(decode_args); });
  return generate_docs(document);
}

}  // namespace cdc
