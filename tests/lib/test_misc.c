/* SPDX-License-Identifier: BSD-2-Clause */
/* PC/SC error mapping, APDU trace redaction, the device object. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <PCSC/winscard.h>

#include "helpers.h"
#include "ntag424.h"
#include "script.h"
#include "test.h"

static const LONG all_scard[] = {
	SCARD_F_INTERNAL_ERROR, SCARD_E_CANCELLED, SCARD_E_INVALID_HANDLE,
	SCARD_E_INVALID_PARAMETER, SCARD_E_INVALID_TARGET, SCARD_E_NO_MEMORY,
	SCARD_F_WAITED_TOO_LONG, SCARD_E_INSUFFICIENT_BUFFER,
	SCARD_E_UNKNOWN_READER, SCARD_E_TIMEOUT, SCARD_E_SHARING_VIOLATION,
	SCARD_E_NO_SMARTCARD, SCARD_E_UNKNOWN_CARD, SCARD_E_CANT_DISPOSE,
	SCARD_E_PROTO_MISMATCH, SCARD_E_NOT_READY, SCARD_E_INVALID_VALUE,
	SCARD_E_SYSTEM_CANCELLED, SCARD_F_COMM_ERROR, SCARD_F_UNKNOWN_ERROR,
	SCARD_E_INVALID_ATR, SCARD_E_NOT_TRANSACTED, SCARD_E_READER_UNAVAILABLE,
	SCARD_P_SHUTDOWN, SCARD_E_PCI_TOO_SMALL, SCARD_E_READER_UNSUPPORTED,
	SCARD_E_DUPLICATE_READER, SCARD_E_CARD_UNSUPPORTED, SCARD_E_NO_SERVICE,
	SCARD_E_SERVICE_STOPPED, SCARD_E_UNEXPECTED,
	SCARD_E_UNSUPPORTED_FEATURE, SCARD_E_ICC_INSTALLATION,
	SCARD_E_ICC_CREATEORDER, SCARD_E_DIR_NOT_FOUND, SCARD_E_FILE_NOT_FOUND,
	SCARD_E_NO_DIR, SCARD_E_NO_FILE, SCARD_E_NO_ACCESS,
	SCARD_E_WRITE_TOO_MANY, SCARD_E_BAD_SEEK, SCARD_E_INVALID_CHV,
	SCARD_E_UNKNOWN_RES_MNG, SCARD_E_NO_SUCH_CERTIFICATE,
	SCARD_E_CERTIFICATE_UNAVAILABLE, SCARD_E_NO_READERS_AVAILABLE,
	SCARD_E_COMM_DATA_LOST, SCARD_E_NO_KEY_CONTAINER,
	SCARD_E_SERVER_TOO_BUSY, SCARD_W_UNSUPPORTED_CARD,
	SCARD_W_UNRESPONSIVE_CARD, SCARD_W_UNPOWERED_CARD, SCARD_W_RESET_CARD,
	SCARD_W_REMOVED_CARD, SCARD_W_SECURITY_VIOLATION, SCARD_W_WRONG_CHV,
	SCARD_W_CHV_BLOCKED, SCARD_W_EOF, SCARD_W_CANCELLED_BY_USER,
	SCARD_W_CARD_NOT_AUTHENTICATED,
};

/* Every SCARD_* of pcsclite.h has a code, a sentence and a name. */
static void
pcsc_every_error_mapped(void)
{
	CHECK_INT(NTAG424_OK, nt_pcsc_error(SCARD_S_SUCCESS));
	for (size_t i = 0; i < sizeof(all_scard) / sizeof(all_scard[0]); i++) {
		int c = nt_pcsc_error(all_scard[i]);

		if (c >= 0 || c < NTAG424_ERR_LAST) {
			test_fail(__FILE__, __LINE__, "SCARD code not mapped");
			fprintf(stderr, "  SCARD 0x%08lX -> %d\n",
			    (unsigned long)all_scard[i], c);
		}
		CHECK(strcmp(nt_pcsc_describe(all_scard[i]),
		    "unknown PC/SC result") != 0);
		CHECK(strcmp(ntag424_errname(c), "UNKNOWN_ERROR") != 0);
	}
	CHECK_INT(NTAG424_ERR_PCSC, nt_pcsc_error(0x12345));
}

static void
pcsc_specific_errors(void)
{
	CHECK_INT(NTAG424_ERR_NO_SERVICE, nt_pcsc_error(SCARD_E_NO_SERVICE));
	CHECK_INT(NTAG424_ERR_NO_READER, nt_pcsc_error(SCARD_E_UNKNOWN_READER));
	CHECK_INT(NTAG424_ERR_NO_READER,
	    nt_pcsc_error(SCARD_E_NO_READERS_AVAILABLE));
	CHECK_INT(NTAG424_ERR_NO_CARD, nt_pcsc_error(SCARD_E_NO_SMARTCARD));
	CHECK_INT(NTAG424_ERR_CARD_REMOVED, nt_pcsc_error(SCARD_W_REMOVED_CARD));
	CHECK_INT(NTAG424_ERR_CARD_REMOVED, nt_pcsc_error(SCARD_W_RESET_CARD));
	CHECK_INT(NTAG424_ERR_READER_BUSY,
	    nt_pcsc_error(SCARD_E_SHARING_VIOLATION));
	CHECK_INT(NTAG424_ERR_TIMEOUT, nt_pcsc_error(SCARD_E_TIMEOUT));
	CHECK_INT(NTAG424_ERR_TX, nt_pcsc_error(SCARD_F_COMM_ERROR));
	CHECK_INT(NTAG424_ERR_NOMEM, nt_pcsc_error(SCARD_E_NO_MEMORY));
}

/* With pcscd's socket pointing nowhere, every entry point says so. */
static void
pcsc_no_service(void)
{
	ntag424_dev_t *dev = ntag424_dev_new();
	char **names = NULL;
	size_t n = 1;

	setenv("PCSCLITE_CSOCK_NAME", "/nonexistent/provisio/pcscd.comm", 1);
	CHECK_INT(NTAG424_ERR_NO_SERVICE, ntag424_pcsc_list_readers(&names,
	    &n));
	CHECK(names == NULL);
	CHECK_INT(0, n);
	CHECK_INT(NTAG424_ERR_NO_SERVICE, ntag424_dev_open_pcsc(dev, NULL));
	CHECK_INT(NTAG424_ERR_NO_SERVICE, ntag424_dev_open_pcsc(dev, "x"));
	CHECK_INT(NTAG424_ERR_NO_SERVICE, ntag424_pcsc_wait_card(NULL, true,
	    10));
	CHECK_INT(NTAG424_ERR_ARG, ntag424_pcsc_list_readers(NULL, &n));
	ntag424_pcsc_free_readers(NULL);
	ntag424_pcsc_free_readers(&names);
	ntag424_dev_free(&dev);
}

static int
contains(const char *s, const char *sub)
{
	return strstr(s, sub) != NULL;
}

/* SM-6's ChangeKey: key data and MAC are not in the trace. */
static void
trace_redacts_keys(void)
{
	static const char *sm6 = "90C4000029022CF362B7BF4311FF3BE1DAA295E8C68D"
	    "E09050560D19B9E16C2393AE9CD1FAC75D0CE20BCD1D06E600";
	ntag424_dev_t *dev = ntag424_dev_new();
	uint8_t apdu[64];
	char out[600];
	size_t n = test_hex(sm6, apdu, sizeof(apdu));

	nt_trace_format(dev, true, apdu, n, out, sizeof(out));
	CHECK(contains(out, "90C40000 29 02 <40 bytes redacted> 00"));
	CHECK(!contains(out, "2CF362B7"));
	CHECK(!contains(out, "5D0CE20B"));
	/* Authentication part 2: all 32 bytes are cryptogram. */
	n = test_hex("90AF00002035C3E05A752E0144BAC0DE51C1F22C56B34408A23D8AEA26"
	    "6CAB947EA8E0118D00", apdu, sizeof(apdu));
	nt_trace_format(dev, true, apdu, n, out, sizeof(out));
	CHECK(contains(out, "<32 bytes redacted>"));
	CHECK(!contains(out, "35C3E05A"));
	/* WriteData: the header is shown, the file data is not. */
	n = test_hex("908D00000B02000000040000DEADBEEF00", apdu, sizeof(apdu));
	nt_trace_format(dev, true, apdu, n, out, sizeof(out));
	CHECK(contains(out, "02000000040000 <4 bytes redacted>"));
	CHECK(!contains(out, "DEADBEEF"));
	ntag424_dev_free(&dev);
}

/* Only unauthenticated public answers are shown. */
static void
trace_answers(void)
{
	ntag424_dev_t *dev = ntag424_dev_new();
	uint8_t r[32];
	char out[600];
	size_t n = test_hex("0404083000110591AF", r, sizeof(r));

	dev->trace_last_ins = 0x60;
	nt_trace_format(dev, false, r, n, out, sizeof(out));
	CHECK(contains(out, "04040830001105 91AF"));
	set_session(dev, "00000000000000000000000000000000",
	    "00000000000000000000000000000000", "00000000", 0, 0);
	nt_trace_format(dev, false, r, n, out, sizeof(out));
	CHECK(contains(out, "<7 bytes redacted> 91AF"));
	nt_sess_wipe(dev);
	dev->trace_last_ins = 0x71;	/* E(K, RndB) */
	n = test_hex("A04C124213C186F22399D33AC2A3021591AF", r, sizeof(r));
	nt_trace_format(dev, false, r, n, out, sizeof(out));
	CHECK(contains(out, "<16 bytes redacted> 91AF"));
	CHECK(!contains(out, "A04C1242"));
	ntag424_dev_free(&dev);
}

/* Tracing on a real exchange updates its state and logs nothing secret. */
static void
trace_live(void)
{
	static const struct step st[] = {
		{ "9060000000", "0404083000110591AF" },
		{ "90AF000000", "0404020101110591AF" },
		{ "90AF000000", "04968CAA5C5E80CD65935D4021189100" },
	};
	ntag424_dev_t *dev = script_dev(st, NSTEPS(st));
	ntag424_version_t v;

	ntag424_dev_set_trace(dev, 1);
	CHECK_INT(NTAG424_OK, ntag424_version_get(dev, &v));
	CHECK_INT(0x60, dev->trace_last_ins);
	CHECK_INT(3, ntag424_dev_apdu_count(dev));
	CHECK_INT(5 * 3 + 9 + 9 + 16, ntag424_dev_byte_count(dev));
	SCRIPT_END(&dev);
}

static void
dev_object(void)
{
	ntag424_dev_t *dev = ntag424_dev_new();
	ntag424_io_ops_t bad = { NULL, NULL, NULL };
	uint8_t r[8];
	size_t rn = sizeof(r);
	const uint8_t c[5] = { 0x90, 0x60, 0x00, 0x00, 0x00 };

	CHECK(dev != NULL);
	CHECK_INT(NTAG424_CHUNK_DEFAULT, ntag424_dev_max_chunk(dev));
	CHECK_INT(NTAG424_ERR_STATE, ntag424_dev_transceive(dev, c, 5, r, &rn));
	CHECK_INT(NTAG424_ERR_ARG, ntag424_dev_transceive(dev, c, 3, r, &rn));
	CHECK_INT(NTAG424_ERR_ARG, ntag424_dev_set_io(dev, &bad, NULL));
	CHECK_INT(NTAG424_ERR_STATE, ntag424_dev_reconnect(dev));
	set_session(dev, "00000000000000000000000000000000",
	    "00000000000000000000000000000000", "00000000", 0, 0);
	CHECK_INT(NTAG424_ERR_STATE, ntag424_dev_reconnect(dev));
	CHECK(!nt_sess_active(dev));
	ntag424_dev_free(&dev);
	CHECK(dev == NULL);
	ntag424_dev_free(&dev);
	ntag424_dev_free(NULL);
}

/* A reconnect drops the session: the tag lost it with the field. */
static void
reconnect_drops_session(void)
{
	ntag424_dev_t *dev = script_dev(NULL, 0);

	set_session(dev, "00000000000000000000000000000000",
	    "00000000000000000000000000000000", "00000000", 0, 0);
	CHECK_INT(NTAG424_OK, ntag424_dev_reconnect(dev));
	CHECK(!nt_sess_active(dev));
	ntag424_auth_end(dev);
	SCRIPT_END(&dev);
}

/* A raw R-APDU longer than the caller's buffer is refused. */
static void
raw_transceive(void)
{
	static const struct step st[] = {
		{ "9060000000", "0404083000110591AF" },
		{ "9060000000", "91" },
	};
	ntag424_dev_t *dev = script_dev(st, NSTEPS(st));
	const uint8_t c[5] = { 0x90, 0x60, 0x00, 0x00, 0x00 };
	uint8_t r[4];
	size_t rn = sizeof(r);

	CHECK_INT(NTAG424_ERR_RX, ntag424_dev_transceive(dev, c, 5, r, &rn));
	rn = sizeof(r);
	CHECK_INT(NTAG424_ERR_RX, ntag424_dev_transceive(dev, c, 5, r, &rn));
	SCRIPT_END(&dev);
}

static void
error_names(void)
{
	CHECK(strcmp(ntag424_errname(NTAG424_ERR_NO_SERVICE),
	    "NTAG424_ERR_NO_SERVICE") == 0);
	CHECK(strcmp(ntag424_errname(NTAG424_ERR_READER_BUSY),
	    "NTAG424_ERR_READER_BUSY") == 0);
}

int
main(void)
{
	RUN(pcsc_every_error_mapped);
	RUN(pcsc_specific_errors);
	RUN(pcsc_no_service);
	RUN(trace_redacts_keys);
	RUN(trace_answers);
	RUN(trace_live);
	RUN(dev_object);
	RUN(reconnect_drops_session);
	RUN(raw_transceive);
	RUN(error_names);
	return test_summary();
}
