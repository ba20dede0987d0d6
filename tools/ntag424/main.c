/* ntag424(1): dispatch to a subcommand. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd.h"
#include "common/harden.h"
#include "ntag424/pcsc.h"
#include "../version.h"

static const struct subcommand commands[] = {
	{ "list-readers", "list the PC/SC readers", cmd_list_readers },
	{ "info", "show a tag's version, keys, files and originality", cmd_info },
	{ "diagnose", "what state a tag is in, what provision/reset would do",
	    cmd_diagnose },
	{ "provision", "give tags their keys, URL and SDM (journaled, "
	    "resumable)", cmd_provision },
	{ "check", "verify a provisioned tag like a phone, then key 0",
	    cmd_check },
	{ "tap", "read the tag's URL once, as a phone does", cmd_tap },
	{ "reset", "take a tag of ours back to factory", cmd_reset },
	{ "adopt", "take over a tag whose keys were imported", cmd_adopt },
	{ "sun", "verify a tapped SUN URL offline", cmd_sun },
	{ "keys", "list, show, export, import the keystore; rotate its KEK",
	    cmd_keys },
	{ "emulate", "present a software NTAG 424 DNA to pcscd (vpcd)",
	    cmd_emulate },
	{ NULL, NULL, NULL },
};

static void
usage(FILE *f)
{
	fprintf(f, "usage: ntag424 [--transmit-timeout MS] COMMAND "
	    "[options]\n       ntag424 --version\n\ncommands:\n");
	for (const struct subcommand *c = commands; c->name != NULL; c++)
		fprintf(f, "  %-14s %s\n", c->name, c->summary);
	fprintf(f, "\n--transmit-timeout MS: give up on a tag or reader that "
	    "has not answered\na command after MS milliseconds (default %u, "
	    "0: wait for ever).\n", NTAG424_PCSC_TIMEOUT_MS);
	fprintf(f, "\n'ntag424 COMMAND --help' describes each command; "
	    "see also ntag424(1).\n");
}

/* Options before the command; returns how many arguments they took. */
static int
global_opts(int argc, char **argv)
{
	unsigned long	 v;
	char		*end;

	if (argc < 3 || strcmp(argv[1], "--transmit-timeout") != 0)
		return 0;
	errno = 0;
	v = strtoul(argv[2], &end, 10);
	if (argv[2][0] < '0' || argv[2][0] > '9' || *end != '\0' ||
	    errno != 0 || v > 3600000ul) {
		fprintf(stderr, "ntag424: --transmit-timeout takes milliseconds "
		    "(0 to 3600000)\n");
		return -1;
	}
	cli_set_transmit_timeout((unsigned int)v);
	return 2;
}

int
main(int argc, char **argv)
{
	int n;

	if (tool_version(argc, argv, "ntag424"))
		return 0;
	if (harden_process() != 0) {
		perror("ntag424: cannot make the process non-dumpable");
		return 1;
	}
	if ((n = global_opts(argc, argv)) < 0)
		return EXIT_USAGE;
	argc -= n;
	argv += n;
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return 0;
	}
	for (const struct subcommand *c = commands; c->name != NULL; c++)
		if (strcmp(argv[1], c->name) == 0)
			return c->run(argc - 1, argv + 1);
	fprintf(stderr, "ntag424: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
