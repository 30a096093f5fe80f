/* tools/cmd_check.c - `sseval check` (placeholder until the Claude layer). */
#include "cli.h"
int cli_check(int argc, char **argv) {
  (void)argc;
  (void)argv;
  fprintf(stderr, "sseval: unknown command 'check'\n");
  return 1;
}
