/* placeholder replaced by the REPL */
#include "cli.h"
const char cli_usage_repl[] = "usage: revl repl [--data DIR] [PLAYBOOK]\n";
int cmd_repl(int argc, char **argv) {
  (void)argc;
  (void)argv;
  return cli_usage_error("repl", "not built yet");
}
