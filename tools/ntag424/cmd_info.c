/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ntag424 info [--reader NAME] [--json]: what a tag says about itself
 * without any authentication: version, UID, key versions, file settings,
 * and whether its originality signature verifies against NXP's keys.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "cmd.h"
#include "common/hex.h"

struct info {
	ntag424_version_t	v;
	uint8_t			key_ver[NTAG424_KEY_MAX + 1];
	int			key_r[NTAG424_KEY_MAX + 1];
	ntag424_file_settings_t	fs[3];
	int			fs_r[3];
	uint8_t			sig[NTAG424_SIG_LEN];
	int			sig_r;		/* Read_Sig */
	int			verdict;	/* verify, if read */
	int			lrp;		/* 1 LRP mode, 0 AES, < 0 error */
};

static void
usage(FILE *f)
{
	fprintf(f, "usage: ntag424 info [--reader NAME] [--json]\n\n"
	    "Show a tag's version, UID, key versions, file settings, cipher\n"
	    "suite (AES or LRP mode) and originality verdict. Never\n"
	    "authenticates, changes nothing.\n");
}

static bool
random_uid(const ntag424_version_t *v)
{
	static const uint8_t zero[NTAG424_UID_LEN];

	return memcmp(v->uid, zero, sizeof(zero)) == 0;
}

/* Select and GetVersion must work; the rest is reported per item. */
static int
gather(ntag424_dev_t *dev, struct info *in)
{
	int r;

	memset(in, 0, sizeof(*in));
	if ((r = ntag424_select_application(dev)) != NTAG424_OK) {
		cli_error("select the NDEF application", r);
		return r;
	}
	if ((r = ntag424_version_get(dev, &in->v)) != NTAG424_OK) {
		cli_error("GetVersion", r);
		return r;
	}
	for (uint8_t k = 0; k <= NTAG424_KEY_MAX; k++)
		in->key_r[k] = ntag424_key_version(dev, k, &in->key_ver[k]);
	for (uint8_t f = 0; f < 3; f++)
		in->fs_r[f] = ntag424_file_settings_get(dev, (uint8_t)(f + 1),
		    &in->fs[f]);
	in->sig_r = ntag424_originality_read(dev, in->sig);
	in->lrp = ntag424_config_lrp_mode(dev);
	in->verdict = in->sig_r != NTAG424_OK ? in->sig_r :
	    random_uid(&in->v) ? NTAG424_ERR_STATE :
	    ntag424_originality_verify(in->v.uid, NTAG424_UID_LEN, in->sig);
	return NTAG424_OK;
}

static const char *
mode_name(ntag424_comm_mode_t m)
{
	return m == NTAG424_COMM_FULL ? "Full" :
	    m == NTAG424_COMM_MAC ? "MAC" : "Plain";
}

static const char *
verdict_name(int verdict)
{
	switch (verdict) {
	case NTAG424_OK:
		return "genuine";
	case NTAG424_ERR_NOT_GENUINE:
		return "not genuine";
	default:
		return "unknown";
	}
}

static void
print_sdm(const ntag424_sdm_t *s)
{
	char a[16], b[16], c[16];

	printf("      SDM: UID %s, counter %s%s%s; meta read %s, file read %s, "
	    "counter read %s\n", s->uid_mirror ? "on" : "off",
	    s->read_ctr ? "on" : "off", s->read_ctr_limit ? ", limit" : "",
	    s->enc_file_data ? ", encrypted file data" : "",
	    cli_access(s->meta_read, a), cli_access(s->file_read, b),
	    cli_access(s->ctr_ret, c));
}

static void
print_file(uint8_t file_no, const ntag424_file_settings_t *fs, int r)
{
	char a[16], b[16], c[16], d[16];

	if (r != NTAG424_OK) {
		printf("  file %02X: %s\n", file_no, ntag424_strerror(r));
		return;
	}
	printf("  file %02X: %u bytes, %s; read %s, write %s, read+write %s, "
	    "change %s\n", file_no, fs->file_size, mode_name(fs->comm_mode),
	    cli_access(fs->access.read, a), cli_access(fs->access.write, b),
	    cli_access(fs->access.read_write, c),
	    cli_access(fs->access.change, d));
	if (fs->sdm.enabled)
		print_sdm(&fs->sdm);
}

static void
print_human(const struct info *in)
{
	const ntag424_version_t	*v = &in->v;
	char			 uid[2 * NTAG424_UID_LEN + 1], batch[11];
	bool			 between;
	unsigned long		 size = ntag424_version_storage(v->hw_storage,
	    &between);

	hex_encode(v->uid, sizeof(v->uid), uid);
	hex_encode(v->batch, sizeof(v->batch), batch);
	batch[9] = '\0';	/* 4.5 bytes of batch number */
	printf("UID:          %s\n", random_uid(v) ? "random ID (hidden)" : uid);
	printf("hardware:     vendor %02X type %02X subtype %02X, version "
	    "%02X.%02X, %s%lu bytes\n", v->hw_vendor, v->hw_type, v->hw_subtype,
	    v->hw_major, v->hw_minor, between ? "more than " : "", size);
	printf("software:     version %02X.%02X\n", v->sw_major, v->sw_minor);
	printf("production:   week %02X of 20%02X, batch %s\n", v->prod_week,
	    v->prod_year, batch);
	printf("cipher suite: %s\n", in->lrp == 1 ? "LRP (LRP mode, for good)" :
	    in->lrp == 0 ? "AES" : ntag424_strerror(in->lrp));
	printf("key versions:");
	for (size_t k = 0; k <= NTAG424_KEY_MAX; k++)
		if (in->key_r[k] == NTAG424_OK)
			printf(" %zu:%02X", k, in->key_ver[k]);
		else
			printf(" %zu:?", k);
	printf("\nfiles:\n");
	for (uint8_t f = 0; f < 3; f++)
		print_file((uint8_t)(f + 1), &in->fs[f], in->fs_r[f]);
	printf("originality:  %s", verdict_name(in->verdict));
	if (in->verdict == NTAG424_OK)
		printf(" (NXP signature over the UID verifies)\n");
	else if (in->verdict == NTAG424_ERR_NOT_GENUINE)
		printf(" (the signature does not verify against NXP's keys)\n");
	else if (in->verdict == NTAG424_ERR_STATE)
		printf(" (random ID: the UID needs an authentication)\n");
	else
		printf(" (%s)\n", ntag424_strerror(in->verdict));
}

static json_t *
json_hex(const uint8_t *p, size_t n)
{
	char buf[2 * NTAG424_SIG_LEN + 1];

	hex_encode(p, n, buf);
	return json_string(buf);
}

static json_t *
json_access(const ntag424_access_t *a)
{
	return json_pack("{s:i, s:i, s:i, s:i}", "read", a->read, "write",
	    a->write, "read_write", a->read_write, "change", a->change);
}

static json_t *
json_sdm(const ntag424_sdm_t *s)
{
	return json_pack("{s:b, s:b, s:b, s:b, s:i, s:i, s:i, s:I, s:I, s:I, "
	    "s:I, s:I, s:I, s:I, s:I}", "uid_mirror", s->uid_mirror,
	    "read_ctr", s->read_ctr, "read_ctr_limit", s->read_ctr_limit,
	    "enc_file_data", s->enc_file_data, "meta_read", s->meta_read,
	    "file_read", s->file_read, "ctr_ret", s->ctr_ret,
	    "uid_offset", (json_int_t)s->uid_offset,
	    "read_ctr_offset", (json_int_t)s->read_ctr_offset,
	    "picc_data_offset", (json_int_t)s->picc_data_offset,
	    "mac_input_offset", (json_int_t)s->mac_input_offset,
	    "enc_offset", (json_int_t)s->enc_offset,
	    "enc_length", (json_int_t)s->enc_length,
	    "mac_offset", (json_int_t)s->mac_offset,
	    "read_ctr_limit_value", (json_int_t)s->read_ctr_limit_value);
}

static json_t *
json_file(uint8_t file_no, const ntag424_file_settings_t *fs, int r)
{
	if (r != NTAG424_OK)
		return json_pack("{s:i, s:s}", "file_no", file_no, "error",
		    ntag424_errname(r));
	return json_pack("{s:i, s:I, s:s, s:o, s:o*}", "file_no", file_no,
	    "size", (json_int_t)fs->file_size, "comm_mode",
	    mode_name(fs->comm_mode), "access", json_access(&fs->access),
	    "sdm", fs->sdm.enabled ? json_sdm(&fs->sdm) : NULL);
}

static json_t *
json_version(const ntag424_version_t *v)
{
	return json_pack("{s:o, s:{s:i, s:i, s:i, s:i, s:i, s:i, s:i}, "
	    "s:{s:i, s:i, s:i, s:i, s:i, s:i, s:i}, s:{s:o, s:i, s:i}}",
	    "uid", random_uid(v) ? json_null() : json_hex(v->uid, sizeof(v->uid)),
	    "hardware", "vendor", v->hw_vendor, "type", v->hw_type,
	    "subtype", v->hw_subtype, "major", v->hw_major, "minor", v->hw_minor,
	    "storage", v->hw_storage, "protocol", v->hw_protocol,
	    "software", "vendor", v->sw_vendor, "type", v->sw_type,
	    "subtype", v->sw_subtype, "major", v->sw_major, "minor", v->sw_minor,
	    "storage", v->sw_storage, "protocol", v->sw_protocol,
	    "production", "batch", json_hex(v->batch, sizeof(v->batch)),
	    "week_bcd", v->prod_week, "year_bcd", v->prod_year);
}

static int
print_json(const struct info *in)
{
	json_t	*root, *keys = json_array(), *files = json_array();
	int	 r = 1;

	if ((root = json_version(&in->v)) == NULL || keys == NULL ||
	    files == NULL)
		goto fail;
	for (size_t k = 0; k <= NTAG424_KEY_MAX; k++)
		json_array_append_new(keys, in->key_r[k] == NTAG424_OK ?
		    json_integer(in->key_ver[k]) : json_null());
	for (uint8_t f = 0; f < 3; f++)
		json_array_append_new(files, json_file((uint8_t)(f + 1),
		    &in->fs[f], in->fs_r[f]));
	if (json_object_set(root, "key_versions", keys) != 0 ||
	    json_object_set(root, "files", files) != 0 ||
	    json_object_set_new(root, "originality", json_pack("{s:s, s:o}",
	    "verdict", verdict_name(in->verdict), "signature",
	    in->sig_r == NTAG424_OK ? json_hex(in->sig, sizeof(in->sig)) :
	    json_null())) != 0 ||
	    json_object_set_new(root, "cipher_suite", in->lrp == 1 ?
	    json_string("LRP") : in->lrp == 0 ? json_string("AES") :
	    json_null()) != 0 ||
	    json_dumpf(root, stdout, JSON_INDENT(2)) != 0)
		goto fail;
	putchar('\n');
	r = 0;
fail:
	json_decref(keys);
	json_decref(files);
	json_decref(root);
	return r;
}

int
cmd_info(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "reader", required_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	ntag424_dev_t	*dev = NULL;
	struct info	 in;
	const char	*reader = NULL;
	int		 json = 0, c, r;

	while ((c = getopt_long(argc, argv, "r:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			reader = optarg;
			break;
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
	if (cli_open(reader, &dev) != NTAG424_OK)
		return 1;
	r = gather(dev, &in);
	ntag424_dev_free(&dev);
	if (r != NTAG424_OK)
		return 1;
	return json ? print_json(&in) : (print_human(&in), 0);
}
