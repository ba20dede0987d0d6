/* SPDX-License-Identifier: BSD-2-Clause */
/* The state file: round trip, factory creation, corruption, atomic save. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "common/buf.h"
#include "helper.h"
#include "ntag424/err.h"
#include "test.h"

static char dir[64];
static char path[128];

static void
setup(void)
{
	strcpy(dir, "/tmp/emu-state-XXXXXX");
	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/tag.state", dir);
}

static void
teardown(void)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char p[512];

	while (d != NULL && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		unlink(p);
	}
	if (d != NULL)
		closedir(d);
	rmdir(dir);
}

static size_t
count_files(void)
{
	DIR *d = opendir(dir);
	size_t n = 0;
	struct dirent *de;

	while (d != NULL && (de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	if (d != NULL)
		closedir(d);
	return n;
}

static void
round_trip(void)
{
	static const uint8_t k[16] = { 1, 2, 3 };
	emu_t *e, *back = NULL;
	hsess_t s;
	struct stat st;

	setup();
	e = h_tag();
	CHECK_INT(0x91AE, h_auth(e, 1, 0, k, &s));	/* counted, persisted */
	CHECK_INT(0x9100, h_auth(e, 1, 0, (const uint8_t[16]){ 0 }, &s));
	CHECK_INT(0x9100, h_change_key(e, &s, 3, (const uint8_t[16]){ 0 }, k,
	    9));
	emu_persist(e)->file[1].data[200] = 0x5A;
	emu_persist(e)->file[1].sdm_ctr = 0x123456;
	CHECK_INT(0, emu_save(e, path));
	CHECK_INT(0, stat(path, &st));
	CHECK_INT(0600, st.st_mode & 0777);
	CHECK_INT(1, count_files());	/* no temporary left */
	CHECK_INT(0, emu_load(&back, path, 0, NULL));
	CHECK(back != NULL);
	if (back != NULL) {
		CHECK(memcmp(emu_persist(e), emu_persist(back),
		    sizeof(emu_persist_t)) == 0);
		/* a loaded tag starts powered up at MF without a session */
		CHECK_INT(0x919D, h_sw(back, "90F50000010200"));
	}
	emu_free(&back);
	emu_free(&e);
	teardown();
}

static void
create_factory(void)
{
	static const uint8_t uid[7] = { 0x04, 1, 2, 3, 4, 5, 6 };
	emu_t *e = NULL;

	setup();
	CHECK_INT(NTAG424_ERR_IO, emu_load(&e, path, 0, NULL));
	CHECK(e == NULL);
	CHECK_INT(0, emu_load(&e, path, 1, uid));
	CHECK(e != NULL);
	CHECK_BYTES(uid, emu_persist(e)->uid, 7);
	CHECK_INT(0x00, emu_persist(e)->key_ver[0]);
	emu_free(&e);
	CHECK_INT(0, emu_load(&e, path, 1, NULL));
	CHECK_INT(0x04, emu_persist(e)->uid[0]);
	emu_free(&e);
	teardown();
}

static void
corrupt(long off, int truncate_to)
{
	FILE *f = fopen(path, "r+b");
	int c;

	CHECK(f != NULL);
	if (f == NULL)
		return;
	if (truncate_to >= 0) {
		CHECK_INT(0, ftruncate(fileno(f), truncate_to));
	} else {
		fseek(f, off, SEEK_SET);
		c = fgetc(f);
		fseek(f, off, SEEK_SET);
		fputc(c ^ 0x01, f);
	}
	fclose(f);
}

static void
rejects_damaged_files(void)
{
	emu_t *e = h_tag(), *back = NULL;

	setup();
	CHECK_INT(0, emu_save(e, path));
	corrupt(40, -1);	/* a key byte: CRC catches it */
	CHECK_INT(NTAG424_ERR_MALFORMED, emu_load(&back, path, 1, NULL));
	CHECK(back == NULL);
	CHECK_INT(0, emu_save(e, path));
	corrupt(9, -1);		/* version 2 -> 3 */
	CHECK_INT(NTAG424_ERR_MALFORMED, emu_load(&back, path, 1, NULL));
	CHECK_INT(0, emu_save(e, path));
	corrupt(0, 100);
	CHECK_INT(NTAG424_ERR_MALFORMED, emu_load(&back, path, 1, NULL));
	CHECK_INT(0, emu_save(e, path));
	corrupt(0, 0);
	CHECK_INT(NTAG424_ERR_MALFORMED, emu_load(&back, path, 1, NULL));
	CHECK_INT(NTAG424_ERR_IO, emu_save(e, "/nonexistent-dir/x.state"));
	emu_free(&e);
	teardown();
}

/* GetVersion parts 1 and 2 as a real tag may report them, 90 60 / 90 AF. */
static void
check_version(emu_t *e, const char *part1, const char *part2)
{
	CHECK_INT(0x9000, h_sw(e, "00A4040C07D276000085010100"));
	CHECK(XCHG(e, "9060000000", part1));
	CHECK(XCHG(e, "90AF000000", part2));
}

/*
 * Hardware subtype 08 and another software minor version survive a save;
 * a version 1 file (without the two parts) loads with the factory ones.
 */
static void
version_parts(void)
{
	emu_t *e = h_tag(), *back = NULL;
	uint8_t buf[4096];
	size_t n;
	uint32_t crc;
	FILE *f;

	setup();
	check_version(e, "0404023000110591AF", "0404020102110591AF");
	emu_persist(e)->hw_part[2] = 0x08;
	emu_persist(e)->sw_part[4] = 0x05;
	CHECK_INT(0, emu_save(e, path));
	CHECK_INT(0, emu_load(&back, path, 0, NULL));
	if (back != NULL)
		check_version(back, "0404083000110591AF", "0404020105110591AF");
	emu_free(&back);
	/*
	 * version 1: drop the 14 bytes after uid and prod and version 3's
	 * last byte (LRP mode), fix the CRC
	 */
	f = fopen(path, "rb");
	CHECK(f != NULL);
	n = f != NULL ? fread(buf, 1, sizeof(buf), f) : 0;
	if (f != NULL)
		fclose(f);
	memmove(buf + 24, buf + 38, n - 38);
	n -= 15;
	buf[9] = 0x01;
	crc = (uint32_t)crc32(0, buf, (uInt)(n - 4));
	put_u16be(buf + n - 4, (uint16_t)(crc >> 16));
	put_u16be(buf + n - 2, (uint16_t)crc);
	f = fopen(path, "wb");
	CHECK(f != NULL && fwrite(buf, 1, n, f) == n);
	if (f != NULL)
		fclose(f);
	CHECK_INT(0, emu_load(&back, path, 0, NULL));
	if (back != NULL)
		check_version(back, "0404023000110591AF", "0404020102110591AF");
	emu_free(&back);
	emu_free(&e);
	teardown();
}

/* The changed flag drives saving in the bridge. */
static void
changed_flag(void)
{
	emu_t *e = h_tag();

	(void)emu_take_changed(e);
	CHECK_INT(0x9100, h_sw(e, "90F50000010200"));
	CHECK_INT(0, emu_take_changed(e));
	CHECK_INT(0x9000, h_sw(e, "00A4000C02E10400"));
	CHECK_INT(0x9000, h_sw(e, "00D6000001AA"));
	CHECK_INT(1, emu_take_changed(e));
	CHECK_INT(0, emu_take_changed(e));
	emu_free(&e);
}

int
main(void)
{
	RUN(round_trip);
	RUN(create_factory);
	RUN(rejects_damaged_files);
	RUN(changed_flag);
	RUN(version_parts);
	return test_summary();
}
