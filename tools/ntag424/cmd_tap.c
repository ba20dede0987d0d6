/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ntag424 tap: read the NDEF once the way a phone does (ISO select of
 * the NDEF application and file, ISOReadBinary of NLEN, then the
 * message) and print the URL. Every tap advances the tag's SDM counter.
 * Nothing is verified or recorded, so the URL stays a fresh first tap.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cmd.h"
#include "ntag424/provision.h"

static void
usage(FILE *f)
{
	fprintf(f, "usage: ntag424 tap [--reader NAME] [--json]\n\n"
	    "Read the tag's NDEF URL as a phone does and print it, without\n"
	    "verifying it and without a keystore. The URL stays fresh: the\n"
	    "verifier accepts it once, as a genuine first tap ('check',\n"
	    "'provision' and 'sun verify --uid' use up the URLs they verify).\n"
	    "Each tap advances the tag's SDM read counter.\n");
}

static int
read_ndef(ntag424_dev_t *dev, uint8_t *file, size_t cap, size_t *len)
{
	size_t	got;
	int	r;

	if ((r = ntag424_select_application(dev)) != NTAG424_OK ||
	    (r = ntag424_select_file(dev, NTAG424_FID_NDEF)) != NTAG424_OK ||
	    (r = ntag424_iso_read_binary(dev, 0, file, 2, &got)) != NTAG424_OK)
		return r;
	if (got != 2)
		return NTAG424_ERR_RX;
	*len = 2 + ((size_t)file[0] << 8 | file[1]);
	if (*len > cap || *len == 2)
		return NTAG424_ERR_MALFORMED;
	if ((r = ntag424_iso_read_binary(dev, 2, file + 2, *len - 2, &got)) !=
	    NTAG424_OK)
		return r;
	return got == *len - 2 ? NTAG424_OK : NTAG424_ERR_RX;
}

int
cmd_tap(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "reader", required_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	ntag424_dev_t	*dev = NULL;
	const char	*reader = NULL;
	uint8_t		 file[NTAG424_NDEF_FILE_SIZE];
	char		 url[NTAG424_PROV_URL_MAX];
	size_t		 len = 0;
	int		 c, json = 0, r, st = 1;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'r': reader = optarg; break;
		case 'j': json = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (cli_open(reader, &dev) != NTAG424_OK)
		return 1;
	if ((r = read_ndef(dev, file, sizeof(file), &len)) != NTAG424_OK ||
	    (r = ntag424_ndef_url(file, len, url, sizeof(url))) != NTAG424_OK)
		cli_error("reading the NDEF URL", r);
	else {
		printf(json ? "{\"url\":\"%s\"}\n" : "%s\n", url);
		st = 0;
	}
	ntag424_dev_free(&dev);
	return st;
}
