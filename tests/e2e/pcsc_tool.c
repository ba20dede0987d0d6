/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Small PC/SC client for the end-to-end rig (pcsc-rig.sh):
 *   pcsc_tool freeport             a free TCP port P with P+1 free too
 *   pcsc_tool readers              one reader name per line
 *   pcsc_tool wait READER SECS [SINCE]
 *                                  wait until READER has a card (exit 1: no),
 *                                  or a card came since event count SINCE
 *   pcsc_tool gone READER SECS [SINCE]
 *                                  wait until READER has no card (and the
 *                                  card that came since SINCE was counted
 *                                  leaving)
 *   pcsc_tool events READER        print READER's card event count
 *   pcsc_tool send READER HEX...   transmit each C-APDU, print each R-APDU
 */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <winscard.h>

#include "common/hex.h"

static int
bind_port(unsigned port, unsigned *out)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0), r = -1;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)port);
	if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&a, &len) == 0) {
		*out = ntohs(a.sin_port);
		r = 0;
	}
	if (fd >= 0)
		close(fd);
	return r;
}

static int
freeport(void)
{
	unsigned p, q;

	for (int i = 0; i < 100; i++)
		if (bind_port(0, &p) == 0 && p < 65535 &&
		    bind_port(p + 1, &q) == 0) {
			printf("%u\n", p);
			return 0;
		}
	return 1;
}

static SCARDCONTEXT ctx;

static int
readers(void)
{
	char buf[4096];
	DWORD len = sizeof(buf);

	if (SCardListReaders(ctx, NULL, buf, &len) != SCARD_S_SUCCESS)
		return 1;
	for (char *p = buf; *p != '\0'; p += strlen(p) + 1)
		printf("%s\n", p);
	return 0;
}

/* pcscd counts card insertions and removals in the upper 16 bits. */
#define EVENTS(state)	((long)(((state) >> 16) & 0xFFFF))

/*
 * Wait until READER has a card (want_card) or has none. With since >= 0,
 * READER's card event count before the card came: a card counts as come
 * once the count moved (it may be gone again already, torn), and as gone
 * only once pcscd's reader thread counted both its arrival and its
 * removal. The reader's state alone is not enough: a client whose
 * SCardDisconnect cannot reset a vanished card marks the reader empty at
 * once, and a card arriving before the reader thread's next poll would
 * then never be seen as a new card.
 */
static int
await(const char *reader, int secs, int want_card, long since)
{
	SCARD_READERSTATE rs;

	memset(&rs, 0, sizeof(rs));
	rs.szReader = reader;
	rs.dwCurrentState = SCARD_STATE_UNAWARE;
	for (int i = 0; i < secs * 10; i++) {
		if (SCardGetStatusChange(ctx, 100, &rs, 1) == SCARD_S_SUCCESS) {
			int card = (rs.dwEventState & SCARD_STATE_PRESENT) != 0;
			long moved = (EVENTS(rs.dwEventState) - since) & 0xFFFF;

			if (want_card && (card || (since >= 0 && moved > 0)))
				return 0;
			if (!want_card && !card && (since < 0 || moved >= 2))
				return 0;
			rs.dwCurrentState = rs.dwEventState;
		} else
			usleep(100000);
	}
	return 1;
}

static int
events(const char *reader)
{
	SCARD_READERSTATE rs;

	memset(&rs, 0, sizeof(rs));
	rs.szReader = reader;
	rs.dwCurrentState = SCARD_STATE_UNAWARE;
	if (SCardGetStatusChange(ctx, 0, &rs, 1) != SCARD_S_SUCCESS)
		return 1;
	printf("%ld\n", EVENTS(rs.dwEventState));
	return 0;
}

static int
send_all(const char *reader, int n, char **apdus)
{
	SCARDHANDLE card;
	DWORD proto;
	LONG rc;

	rc = SCardConnect(ctx, reader, SCARD_SHARE_SHARED,
	    SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, &card, &proto);
	if (rc != SCARD_S_SUCCESS) {
		printf("ERR %08lX\n", (unsigned long)rc);
		return 1;
	}
	for (int i = 0; i < n; i++) {
		uint8_t c[300], r[300];
		char hex[2 * sizeof(r) + 1];
		size_t cl = strlen(apdus[i]) / 2;
		DWORD rl = sizeof(r);

		if (cl > sizeof(c) || hex_decode_str(apdus[i], c, cl) != 0) {
			fprintf(stderr, "bad hex %s\n", apdus[i]);
			return 2;
		}
		rc = SCardTransmit(card, proto == SCARD_PROTOCOL_T0 ?
		    SCARD_PCI_T0 : SCARD_PCI_T1, c, (DWORD)cl, NULL, r, &rl);
		if (rc != SCARD_S_SUCCESS) {
			printf("ERR %08lX\n", (unsigned long)rc);
			return 1;
		}
		/* vpcd answers a vanished card with an empty R-APDU */
		if (rl < 2) {
			printf("ERR NO-ANSWER\n");
			return 1;
		}
		hex_encode(r, rl, hex);
		printf("%s\n", hex);
		fflush(stdout);
	}
	SCardDisconnect(card, SCARD_LEAVE_CARD);
	return 0;
}

int
main(int argc, char **argv)
{
	int r = 2;

	if (argc >= 2 && strcmp(argv[1], "freeport") == 0)
		return freeport();
	if (argc < 2 || SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL,
	    &ctx) != SCARD_S_SUCCESS)
		return 2;
	if (strcmp(argv[1], "readers") == 0)
		r = readers();
	else if ((argc == 4 || argc == 5) && strcmp(argv[1], "wait") == 0)
		r = await(argv[2], atoi(argv[3]), 1,
		    argc == 5 ? atol(argv[4]) : -1);
	else if ((argc == 4 || argc == 5) && strcmp(argv[1], "gone") == 0)
		r = await(argv[2], atoi(argv[3]), 0,
		    argc == 5 ? atol(argv[4]) : -1);
	else if (argc == 3 && strcmp(argv[1], "events") == 0)
		r = events(argv[2]);
	else if (argc >= 4 && strcmp(argv[1], "send") == 0)
		r = send_all(argv[2], argc - 3, argv + 3);
	SCardReleaseContext(ctx);
	return r;
}
