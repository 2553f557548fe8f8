#include "main/cli.h"

int main(int argc, char** argv) { return cdc::cli_main(argc, argv); }
