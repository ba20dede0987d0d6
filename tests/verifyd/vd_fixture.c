/*
 * Test fixture for ntag424-verifyd: fills a keystore and makes real tapped
 * URLs with the emulated tag.
 *
 *   vd_fixture an12196 DB KEK
 *       the AN12196 SUN-2/SUN-3 tags (zero keys, random key source) and
 *       cohort key "an12196" = zero (ntag424-vectors.md section 4)
 *   vd_fixture provision DB KEK PRESET STATE [UIDHEX]
 *       provision an emulated factory tag through libntag424 (EV2 session
 *       with key 0, NDEF, ChangeFileSettings, ChangeKey 1, 3, then 0) and
 *       record it in the keystore as provisioning does; the tag is saved to
 *       STATE. PRESET: game-coin (random keys 0, 1, 3) or self-checkout
 *       (seed 004: key 1 the cohort key "self-checkout", 0/2/3/4
 *       diversified with AN10922 from the master key)
 *   vd_fixture tap STATE N
 *       read the NDEF file N times as a phone does (power cycle, select,
 *       ISOReadBinary) and print each URL on its own line
 *   vd_fixture urls DB KEK NTAGS NTAPS
 *       the benchmark's pool: NTAGS self-checkout tags, then NTAPS rounds
 *       of one tap of every tag, each URL's path on its own line
 *   vd_fixture status DB KEK UIDHEX STATUS
 *       set the tag's keystore status (provisioned again = re-provisioned)
 *
 *   vd_fixture engine DB KEK PRESET STATE provision|reset
 *       the real engine (libntag424 + src/provision) on the emulated tag
 *       in STATE (a new factory tag if STATE does not exist), as
 *       ntag424 provision/reset does; provision prints the UID
 *
 * KEK "-" stands for no --kek-file: PROVISIO_KEK or the default file.
 *
 * Key diversification uses the keystore's convention (keystore.h):
 * M = UID || KeyNo || KeyVersion || "provisio", written here independently
 * of ntag424_ks_diversify(); the keys of the n-th provisioning carry
 * version n, as the engine's do.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/hex.h"
#include "common/prim.h"
#include "emu/emu.h"
#include "emu/emu_io.h"
#include "ntag424/keystore.h"
#include "ntag424.h"
#include "ntag424/provision.h"
#include "provision/ksprov.h"

#define GAME_COIN	"https://coins.example/c?picc={picc}&cmac={mac}"
/* Seed 004: PICC at 0x22, MAC input from 0x22, MAC at 0x48. */
#define SELF_CHECKOUT	"https://werkstattwaedi.ch/tag?picc={macin}{picc}" \
			"&cmac={mac}"
/* ntag424-vectors.md section 4 (AN12196 SUN-2, SUN-3). */
#define T_SUN2	"https://ntag.nxp.com/424?e={picc}&c={mac}"
#define T_SUN3	"https://my424dna.com/?picc_data={picc}&enc={macin}" \
		"{enc:xxxxxxxxxxxxxxxx}&cmac={mac}"

static int
die(const char *what, int r, ntag424_ks_t *ks)
{
	fprintf(stderr, "vd_fixture: %s: %s %s\n", what, ntag424_strerror(r),
	    ks != NULL ? ntag424_ks_errmsg(ks) : "");
	exit(1);
}

static ntag424_ks_t *
ks_open(const char *db, const char *kek)
{
	/* "-": the KEK from PROVISIO_KEK or the default file, as the CLI. */
	struct ntag424_ks_opts	 o = { db, strcmp(kek, "-") == 0 ? NULL : kek,
	    0, 0 };
	ntag424_ks_t		*ks = ntag424_ks_new();
	int			 r;

	if (ks == NULL || (r = ntag424_ks_open(ks, &o)) != NTAG424_OK)
		die("open keystore", ks == NULL ? NTAG424_ERR_NOMEM : r, ks);
	return ks;
}

static void
store_key(ntag424_ks_t *ks, const uint8_t uid[7], int keyno,
    const uint8_t key[16], uint8_t version)
{
	int r;

	if ((r = ntag424_ks_key_intend(ks, uid, keyno, key, version)) != 0 ||
	    (r = ntag424_ks_key_mark_sent(ks, uid, keyno)) != 0 ||
	    (r = ntag424_ks_key_applied(ks, uid, keyno)) != 0)
		die("store key", r, ks);
}

static void
record_tag(ntag424_ks_t *ks, const uint8_t uid[7], const char *name,
    const char *tmpl, int source, uint32_t master_version)
{
	int r;

	if ((r = ntag424_ks_tag_create(ks, uid)) != 0 ||
	    (r = ntag424_ks_tag_set_plan(ks, uid, name, tmpl, source,
	    master_version)) != 0 ||
	    (r = ntag424_ks_tag_set_status(ks, uid, NTAG424_KS_PROVISIONED)) !=
	    0)
		die("record tag", r, ks);
}

static int
an12196(const char *db, const char *kek)
{
	static const uint8_t	zero[16];
	ntag424_ks_t		*ks = ks_open(db, kek);
	uint8_t			uid[7];
	uint32_t		v;
	int			r;

	if ((r = ntag424_ks_cohort_put(ks, "an12196", zero, &v)) != 0)
		die("cohort", r, ks);
	hex_decode("04DE5F1EACC040", uid, 7);
	record_tag(ks, uid, "sun-2", T_SUN2, NTAG424_KS_SRC_RANDOM, 0);
	store_key(ks, uid, 3, zero, 1);
	hex_decode("04958CAA5C5E80", uid, 7);
	record_tag(ks, uid, "sun-3", T_SUN3, NTAG424_KS_SRC_RANDOM, 0);
	store_key(ks, uid, 3, zero, 1);
	ntag424_ks_free(&ks);
	return 0;
}

static void
diversify(const uint8_t master[16], const uint8_t uid[7], int keyno,
    uint8_t version, uint8_t out[16])
{
	uint8_t m[17];

	memcpy(m, uid, 7);
	m[7] = (uint8_t)keyno;
	m[8] = version;
	memcpy(m + 9, "provisio", 8);
	if (ntag424_kdf_an10922(master, m, sizeof(m), out) != NTAG424_OK)
		die("kdf", NTAG424_ERR_CRYPTO, NULL);
}

/* The preset's keys 0..4 and template; keys[k] zero if not changed. */
static const char *
preset_keys(ntag424_ks_t *ks, const char *preset, const uint8_t uid[7],
    uint8_t version, uint8_t keys[5][16], bool change[5], int *source,
    uint32_t *mver, ntag424_template_opts_t *opts)
{
	uint8_t		master[16];
	uint32_t	v;
	int		created, r;

	memset(keys, 0, 5 * 16);
	ntag424_template_opts_init(opts);
	if (strcmp(preset, "game-coin") == 0) {
		for (int k = 0; k < 5; k++)
			change[k] = k == 0 || k == 1 || k == 3;
		for (int k = 0; k < 5; k++)
			if (change[k] && random_bytes(keys[k], 16) != 0)
				die("random", NTAG424_ERR_CRYPTO, NULL);
		*source = NTAG424_KS_SRC_RANDOM;
		*mver = 0;
		return GAME_COIN;
	}
	if ((r = ntag424_ks_master_latest(ks, master, mver, &created)) != 0 ||
	    (r = ntag424_ks_cohort_latest(ks, "self-checkout", keys[1], &v,
	    &created)) != 0)
		die("master/cohort", r, ks);
	for (int k = 0; k < 5; k++) {
		change[k] = true;
		if (k != 1)
			diversify(master, uid, k, version, keys[k]);
	}
	wipe(master, sizeof(master));
	*source = NTAG424_KS_SRC_DIVERSIFIED;
	/* Seed 004: AccessRights E0 E0, SDMAccessRights FE 13. */
	opts->access.read = NTAG424_AR_FREE;
	opts->access.write = 0;
	opts->access.read_write = NTAG424_AR_FREE;
	opts->access.change = 0;
	opts->ctr_ret = NTAG424_AR_FREE;
	return SELF_CHECKOUT;
}

static void
check(const char *what, int r)
{
	if (r != NTAG424_OK)
		die(what, r, NULL);
}

/* Library calls only: the engine's order, key 0 last. */
static void
personalise(emu_t *emu, const ntag424_template_t *t, uint8_t keys[5][16],
    const bool change[5], uint8_t version)
{
	static const uint8_t	 zero[16];
	ntag424_dev_t		*dev = ntag424_dev_new();

	if (dev == NULL)
		die("dev", NTAG424_ERR_NOMEM, NULL);
	check("attach", ntag424_emu_attach(dev, emu));
	check("select", ntag424_select_application(dev));
	check("auth", ntag424_auth_ev2_first(dev, 0, zero));
	check("write ndef", ntag424_data_write(dev, NTAG424_FILE_NDEF,
	    NTAG424_COMM_PLAIN, 0, ntag424_template_ndef_ptr(t),
	    ntag424_template_ndef_len(t)));
	check("file settings", ntag424_file_settings_change(dev,
	    NTAG424_FILE_NDEF, ntag424_template_settings(t)));
	for (uint8_t k = 1; k < 5; k++)
		if (change[k])
			check("change key", ntag424_key_change(dev, k, keys[k],
			    version, zero));
	check("change key 0", ntag424_key_change(dev, 0, keys[0], version,
	    NULL));
	ntag424_dev_free(&dev);
}

/*
 * A factory emulated tag (uid NULL: a random UID) provisioned with preset
 * and recorded in ks; the caller frees it.
 */
static emu_t *
provision_emu(ntag424_ks_t *ks, const char *preset, const uint8_t *uid_in)
{
	ntag424_template_t	*t = ntag424_template_new();
	ntag424_template_opts_t	 opts;
	emu_t			*emu;
	uint8_t			 uid[7], keys[5][16];
	bool			 change[5];
	struct ntag424_ks_tag	 row;
	const char		*tmpl;
	uint32_t		 mver;
	uint8_t			 version;
	int			 source;

	if ((emu = emu_new(uid_in)) == NULL || t == NULL)
		die("emu", NTAG424_ERR_NOMEM, NULL);
	memcpy(uid, emu_persist(emu)->uid, 7);
	version = ntag424_ks_tag_get(ks, uid, &row) == NTAG424_OK ?
	    (uint8_t)(row.generation % 255 + 1) : 1;
	tmpl = preset_keys(ks, preset, uid, version, keys, change, &source,
	    &mver, &opts);
	if (ntag424_template_compile(t, tmpl, &opts) != NTAG424_OK)
		die(ntag424_template_error(t, NULL), NTAG424_ERR_TEMPLATE, NULL);
	personalise(emu, t, keys, change, version);
	record_tag(ks, uid, preset, tmpl, source, mver);
	/* As the engine does: every key stored, whatever its source. */
	for (int k = 0; k < 5; k++)
		if (change[k])
			store_key(ks, uid, k, keys[k], version);
	wipe(keys, sizeof(keys));
	ntag424_template_free(&t);
	return emu;
}

static int
provision(const char *db, const char *kek, const char *preset,
    const char *state, const char *uidhex)
{
	ntag424_ks_t	*ks = ks_open(db, kek);
	emu_t		*emu;
	uint8_t		 uid[7];
	char		 hex[15];

	if (uidhex != NULL && hex_decode_str(uidhex, uid, 7) != 0)
		die("uid", NTAG424_ERR_ARG, NULL);
	emu = provision_emu(ks, preset, uidhex != NULL ? uid : NULL);
	check("save", emu_save(emu, state));
	hex_encode(emu_persist(emu)->uid, 7, hex);
	printf("%s\n", hex);
	emu_free(&emu);
	ntag424_ks_free(&ks);
	return 0;
}

/*
 * One tap as a phone reads it (power cycle, select, ISOReadBinary): the
 * URL of the NDEF URI record (NFC Forum URI RTD: prefix code, then the
 * rest) into url.
 */
static void
read_url(ntag424_dev_t *dev, emu_t *emu, char *url, size_t cap)
{
	static const char *const prefix[] = { "", "http://www.",
	    "https://www.", "http://", "https://" };
	uint8_t	f[NTAG424_NDEF_FILE_SIZE];
	size_t	n, nlen;

	check("attach", ntag424_emu_attach(dev, emu));
	emu_power_cycle(emu);
	check("select", ntag424_select_application(dev));
	check("select ndef", ntag424_select_file(dev, NTAG424_FID_NDEF));
	check("read", ntag424_iso_read_binary(dev, 0, f, sizeof(f), &n));
	if (n < 7 || (nlen = (size_t)f[0] << 8 | f[1]) + 2 > n || nlen < 5 ||
	    f[6] > 4)
		die("ndef", NTAG424_ERR_MALFORMED, NULL);
	if (snprintf(url, cap, "%s%.*s", prefix[f[6]], (int)(nlen + 2 - 7),
	    f + 7) >= (int)cap)
		die("url", NTAG424_ERR_MALFORMED, NULL);
}

static int
tap(const char *state, int n)
{
	emu_t		*emu = NULL;
	ntag424_dev_t	*dev = ntag424_dev_new();
	char		 url[NTAG424_NDEF_FILE_SIZE];

	if (dev == NULL)
		die("dev", NTAG424_ERR_NOMEM, NULL);
	check("load", emu_load(&emu, state, 0, NULL));
	for (int i = 0; i < n; i++) {
		read_url(dev, emu, url, sizeof(url));
		printf("%s\n", url);
	}
	check("save", emu_save(emu, state));
	ntag424_dev_free(&dev);
	emu_free(&emu);
	return 0;
}

/* "https://host/p?q" -> "/p?q": what a client sends on the request line. */
static const char *
url_path(const char *url)
{
	const char *p = strstr(url, "://");

	if (p == NULL || (p = strchr(p + 3, '/')) == NULL)
		die("url path", NTAG424_ERR_MALFORMED, NULL);
	return p;
}

/*
 * The benchmark's URL pool: ntags self-checkout tags provisioned in one
 * process, then ntaps rounds of one tap of every tag (tap 1 of each, tap 2
 * of each, ...), one request path per line. A client that sends the lines
 * in order sends each tag's counters in increasing order, ntags requests
 * apart.
 */
static int
urls(const char *db, const char *kek, long ntags, long ntaps)
{
	ntag424_ks_t	 *ks = ks_open(db, kek);
	ntag424_dev_t	 *dev = ntag424_dev_new();
	emu_t		**emu;
	char		  url[NTAG424_NDEF_FILE_SIZE];

	if (ntags < 1 || ntags > 100000 || ntaps < 1 || ntaps > 1000000)
		die("arguments", NTAG424_ERR_ARG, NULL);
	if (dev == NULL || (emu = calloc((size_t)ntags, sizeof(*emu))) == NULL)
		die("alloc", NTAG424_ERR_NOMEM, NULL);
	for (long i = 0; i < ntags; i++)
		emu[i] = provision_emu(ks, "self-checkout", NULL);
	for (long k = 0; k < ntaps; k++)
		for (long i = 0; i < ntags; i++) {
			read_url(dev, emu[i], url, sizeof(url));
			if (puts(url_path(url)) == EOF)
				die("write", NTAG424_ERR_IO, NULL);
		}
	if (fflush(stdout) != 0)
		die("write", NTAG424_ERR_IO, NULL);
	for (long i = 0; i < ntags; i++)
		emu_free(&emu[i]);
	free(emu);
	ntag424_dev_free(&dev);
	ntag424_ks_free(&ks);
	return 0;
}

static int
status(const char *db, const char *kek, const char *uidhex, const char *st)
{
	ntag424_ks_t	*ks = ks_open(db, kek);
	uint8_t		 uid[7];
	int		 s = ntag424_ks_status_parse(st), r;

	if (hex_decode_str(uidhex, uid, 7) != 0 || s < 0)
		die("arguments", NTAG424_ERR_ARG, NULL);
	if ((r = ntag424_ks_tag_set_status(ks, uid, s)) != 0)
		die("status", r, ks);
	ntag424_ks_free(&ks);
	return 0;
}

/* The engine as ntag424 provision/reset runs it (prov_cli.c's setup). */
static int
engine(const char *db, const char *kek, const char *preset,
    const char *state, const char *what)
{
	ntag424_ks_t		*ks = ks_open(db, kek);
	ntag424_prov_t		*p = ntag424_prov_new();
	ntag424_dev_t		*dev = ntag424_dev_new();
	ntag424_prov_report_t	 rep;
	ntag424_prov_plan_t	 plan;
	struct ksprov		 sp;
	emu_t			*emu = NULL;
	bool			 sc = strcmp(preset, "self-checkout") == 0;
	char			 hex[15];
	int			 r;

	if (p == NULL || dev == NULL)
		die("engine", NTAG424_ERR_NOMEM, NULL);
	check("load", emu_load(&emu, state, 1, NULL));
	check("attach", ntag424_emu_attach(dev, emu));
	check("preset", ntag424_prov_preset(preset, sc ? NULL :
	    "https://coins.example/c", &plan));
	check("plan", ntag424_prov_set_plan(p, &plan));
	check("store", ksprov_init(&sp, ks, sc ? NTAG424_KS_SRC_DIVERSIFIED :
	    NTAG424_KS_SRC_RANDOM));
	check("store", ntag424_prov_set_store(p, ksprov_ops(), &sp));
	memset(&rep, 0, sizeof(rep));
	r = strcmp(what, "reset") == 0 ? ntag424_prov_reset(p, dev, &rep) :
	    ntag424_prov_provision(p, dev, &rep);
	if (r != NTAG424_OK) {
		fprintf(stderr, "vd_fixture: %s: %s: %s\n", what, rep.step,
		    rep.message);
		exit(1);
	}
	check("save", emu_save(emu, state));
	if (strcmp(what, "reset") != 0) {
		hex_encode(emu_persist(emu)->uid, 7, hex);
		printf("%s\n", hex);
	}
	ntag424_dev_free(&dev);
	emu_free(&emu);
	ntag424_prov_free(&p);
	ntag424_ks_free(&ks);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "an12196") == 0)
		return an12196(argv[2], argv[3]);
	if ((argc == 6 || argc == 7) && strcmp(argv[1], "provision") == 0)
		return provision(argv[2], argv[3], argv[4], argv[5],
		    argc == 7 ? argv[6] : NULL);
	if (argc == 4 && strcmp(argv[1], "tap") == 0)
		return tap(argv[2], atoi(argv[3]));
	if (argc == 6 && strcmp(argv[1], "urls") == 0)
		return urls(argv[2], argv[3], atol(argv[4]), atol(argv[5]));
	if (argc == 7 && strcmp(argv[1], "engine") == 0 &&
	    (strcmp(argv[6], "provision") == 0 ||
	    strcmp(argv[6], "reset") == 0))
		return engine(argv[2], argv[3], argv[4], argv[5], argv[6]);
	if (argc == 6 && strcmp(argv[1], "status") == 0)
		return status(argv[2], argv[3], argv[4], argv[5]);
	fprintf(stderr, "usage: see the comment at the top of vd_fixture.c\n");
	return 2;
}
