/* SPDX-License-Identifier: BSD-2-Clause */
/* ntag424 list-readers [--json]: the readers pcscd knows. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "cli.h"
#include "cmd.h"

static void
usage(FILE *f)
{
	fprintf(f, "usage: ntag424 list-readers [--json]\n\n"
	    "List the PC/SC readers; use a name with --reader.\n");
}

static int
print_json(char **names, size_t n)
{
	json_t	*root = json_object(), *arr = json_array();
	int	 r = 1;

	if (root == NULL || arr == NULL)
		goto fail;
	for (size_t i = 0; i < n; i++)
		if (json_array_append_new(arr, json_string(names[i])) != 0)
			goto fail;
	if (json_object_set(root, "readers", arr) != 0 ||
	    json_dumpf(root, stdout, JSON_INDENT(2)) != 0)
		goto fail;
	putchar('\n');
	r = 0;
fail:
	json_decref(arr);
	json_decref(root);
	return r;
}

int
cmd_list_readers(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char	**names = NULL;
	size_t	  n = 0;
	int	  json = 0, c, r;

	while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if ((r = ntag424_pcsc_list_readers(&names, &n)) != NTAG424_OK) {
		cli_error("list readers", r);
		return 1;
	}
	if (json)
		r = print_json(names, n);
	else if (n == 0)
		printf("no reader connected\n");
	else
		for (size_t i = 0; i < n; i++)
			printf("%s\n", names[i]);
	ntag424_pcsc_free_readers(&names);
	return r;
}
