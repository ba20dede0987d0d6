/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * AuthenticateEV2First / NonFirst (NT4H2421Gx 9.1.5, 9.1.6, 10.4.1, 10.4.2;
 * cryptograms AES-128-CBC with a zero IV, no padding) and AuthenticateLRP-
 * First / NonFirst (9.2.5, 9.2.6, 10.4.3, 10.4.4; CMAC_LRP and LRICB of
 * NXP AN12304). LRPFirst is EV2First's command code with PCDcap2.1 = 02; an
 * AES tag answers it as EV2First (Table 19), which is how a caller that
 * accepts either suite learns the tag's mode.
 */
#include <string.h>

#include "common/log.h"
#include "common/lrp.h"
#include "common/prim.h"
#include "internal.h"
#include "ntag424/auth.h"
#include "ntag424/err.h"

static const uint8_t zero_iv[AES_BLOCK];

struct auth {
	uint8_t	rnda[NT_RND_LEN];
	uint8_t	rndb[NT_RND_LEN];
	uint8_t	buf[2 * NT_RND_LEN];	/* RndA || RndB', then the answer */
	uint8_t	resp[NT_RESP_MAX];
};

void
nt_test_set_rnda(ntag424_dev_t *dev, const uint8_t rnda[NT_RND_LEN])
{
	memcpy(dev->rnda, rnda, NT_RND_LEN);
	dev->rnda_set = true;
}

static int
make_rnda(ntag424_dev_t *dev, uint8_t rnda[NT_RND_LEN])
{
	if (dev->rnda_set) {
		memcpy(rnda, dev->rnda, NT_RND_LEN);
		wipe(dev->rnda, sizeof(dev->rnda));
		dev->rnda_set = false;
		return NTAG424_OK;
	}
	return random_bytes(rnda, NT_RND_LEN) < 0 ? NTAG424_ERR_CRYPTO :
	    NTAG424_OK;
}

/* What the caller asked for; the tag answers Part 1 in its own mode. */
enum want {
	WANT_AES,
	WANT_LRP,
	WANT_ANY,
};

/* NT4H2421Gx 9.2.5, Table 19: PCDcap2.1 bit 1 asks for LRP. */
static const uint8_t lrp_cap[7] = { 0x06, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00 };

/*
 * Part 1: KeyNo [LenCap PCDcap2] -> E(Kx, RndB) (EV2, 16 bytes) or
 * AuthMode 01 || RndB (LRP, 17 bytes), 91AF (Tables 27, 33, 39, 45).
 */
static int
part1(ntag424_dev_t *dev, bool first, enum want want, uint8_t key_no,
    struct auth *a, size_t *n)
{
	uint8_t		p1[1 + sizeof(lrp_cap)] = { key_no, 0x00 };
	size_t		len = first ? 2 : 1;
	uint16_t	sw;
	int		r;

	if (first && want != WANT_AES) {
		memcpy(p1 + 1, lrp_cap, sizeof(lrp_cap));
		len = sizeof(p1);
	}
	if ((r = nt_native(dev, first ? NT_CMD_AUTH_EV2_FIRST :
	    NT_CMD_AUTH_EV2_NONFIRST, p1, len, a->resp, sizeof(a->resp), n,
	    &sw)) != NTAG424_OK)
		return r;
	switch (sw) {
	case NT_SW_MORE:
		return NTAG424_OK;
	case NT_SW_ABORTED:
	case NT_SW_LENGTH:
	case NT_SW_PARAMETER:
	case NT_SW_NO_SUCH_KEY:
	case NT_SW_PERMISSION:
	case NT_SW_AUTH_DELAY:
	case NT_SW_MEMORY:
		return sw;
	default:
		return nt_unexpected_sw("authenticate part 1", sw);
	}
}

/* The 90 AF exchange of both suites: 32 bytes out, expect bytes back. */
static int
part2_send(ntag424_dev_t *dev, struct auth *a, size_t expect)
{
	size_t		n = 0;
	uint16_t	sw;
	int		r;

	if ((r = nt_native(dev, NT_CMD_MORE, a->buf, sizeof(a->buf), a->resp,
	    sizeof(a->resp), &n, &sw)) != NTAG424_OK)
		return r;
	switch (sw) {
	case NT_SW_OK:
		break;
	case NT_SW_LENGTH:
	case NT_SW_AUTH_ERROR:
	case NT_SW_MEMORY:
		return sw;
	default:
		return nt_unexpected_sw("authenticate part 2", sw);
	}
	return n == expect ? NTAG424_OK : NTAG424_ERR_RX;
}

/* RndA' as sent back must be RndA rotated left by one byte. */
static int
check_rnda(const struct auth *a, const uint8_t *echo)
{
	uint8_t	rot[NT_RND_LEN];
	int	ok;

	nt_rotl1(a->rnda, rot);
	ok = ct_equal(rot, echo, NT_RND_LEN);
	wipe(rot, sizeof(rot));
	return ok ? NTAG424_OK : NTAG424_ERR_AUTH;
}

/* EV2: E(Kx, RndA || RndB') -> E(Kx, [TI ||] RndA' [|| caps]) 9100. */
static int
finish_aes(ntag424_dev_t *dev, bool first, const uint8_t key[AES128_KEY],
    struct auth *a, struct nt_session *s)
{
	size_t	expect = first ? 2 * NT_RND_LEN : NT_RND_LEN;
	int	r;

	if (aes128_cbc_decrypt(key, zero_iv, a->resp, NT_RND_LEN, a->rndb) < 0)
		return NTAG424_ERR_CRYPTO;
	memcpy(a->buf, a->rnda, NT_RND_LEN);
	nt_rotl1(a->rndb, a->buf + NT_RND_LEN);
	if (aes128_cbc_encrypt(key, zero_iv, a->buf, sizeof(a->buf),
	    a->buf) < 0)
		return NTAG424_ERR_CRYPTO;
	if ((r = part2_send(dev, a, expect)) != NTAG424_OK)
		return r;
	if (aes128_cbc_decrypt(key, zero_iv, a->resp, expect, a->resp) < 0)
		return NTAG424_ERR_CRYPTO;
	if ((r = check_rnda(a, first ? a->resp + NT_TI_LEN : a->resp)) !=
	    NTAG424_OK)
		return r;
	if (first) {
		memcpy(s->ti, a->resp, NT_TI_LEN);
		s->cmd_ctr = 0;
	}
	s->suite = &nt_suite_aes;
	return s->suite->derive(s, key, a->rnda, a->rndb);
}

/* PICCResponse = CMAC_LRP(SesAuthMACKey, RndB || RndA [|| PICCData]). */
static int
check_picc_response(const struct nt_session *s, const struct auth *a,
    bool first)
{
	uint8_t	msg[3 * NT_RND_LEN], mac[AES_BLOCK];
	size_t	len = first ? 3 * NT_RND_LEN : 2 * NT_RND_LEN;
	int	r = NTAG424_ERR_CRYPTO;

	memcpy(msg, a->rndb, NT_RND_LEN);
	memcpy(msg + NT_RND_LEN, a->rnda, NT_RND_LEN);
	if (first)
		memcpy(msg + 2 * NT_RND_LEN, a->resp, NT_RND_LEN);
	if (lrp_cmac(&s->lrp_mac, msg, len, mac) < 0)
		goto fail;
	r = ct_equal(mac, a->resp + (first ? NT_RND_LEN : 0), AES_BLOCK) ? NTAG424_OK : NTAG424_ERR_AUTH;
fail:
	wipe(msg, sizeof(msg));
	wipe(mac, sizeof(mac));
	return r;
}

/*
 * LRP (NT4H2421Gx 9.2.5, 9.2.6): RndA || CMAC_LRP(RndA || RndB) ->
 * [PICCData ||] PICCResponse. PICCData = TI || PDcap2 || PCDcap2 under
 * EncCtr 0, so that secure messaging starts at 1 after First (9.2.4) and
 * at 0 after NonFirst.
 */
static int
finish_lrp(ntag424_dev_t *dev, bool first, const uint8_t key[AES128_KEY],
    struct auth *a, struct nt_session *s)
{
	uint8_t	picc[AES_BLOCK], ctr[4] = { 0 };
	size_t	expect = first ? 2 * NT_RND_LEN : NT_RND_LEN;
	int	r;

	memcpy(a->rndb, a->resp + 1, NT_RND_LEN);
	if ((r = nt_suite_lrp.derive(s, key, a->rnda, a->rndb)) != NTAG424_OK)
		return r;
	memcpy(a->buf, a->rnda, NT_RND_LEN);
	memcpy(a->buf + NT_RND_LEN, a->rndb, NT_RND_LEN);
	if (lrp_cmac(&s->lrp_mac, a->buf, sizeof(a->buf),
	    a->buf + NT_RND_LEN) < 0)
		return NTAG424_ERR_CRYPTO;
	memcpy(a->buf, a->rnda, NT_RND_LEN);
	if ((r = part2_send(dev, a, expect)) != NTAG424_OK ||
	    (r = check_picc_response(s, a, first)) != NTAG424_OK)
		return r;
	s->enc_ctr = 0;
	if (first) {
		if (lrp_lricb_decrypt(&s->lrp_enc, ctr, sizeof(ctr),
		    a->resp, AES_BLOCK, picc) < 0)
			return NTAG424_ERR_CRYPTO;
		memcpy(s->ti, picc, NT_TI_LEN);
		wipe(picc, sizeof(picc));
		s->cmd_ctr = 0;
		s->enc_ctr = 1;
	}
	s->suite = &nt_suite_lrp;
	return NTAG424_OK;
}

/* Which suite the tag chose, from the shape of its Part 1 answer. */
static int
answer_mode(const struct auth *a, size_t n, enum want want, bool *lrp)
{
	if (n == NT_RND_LEN + 1 && a->resp[0] == 0x01)
		*lrp = true;
	else if (n == NT_RND_LEN)
		*lrp = false;
	else
		return NTAG424_ERR_RX;
	if ((want == WANT_LRP && !*lrp) || (want == WANT_AES && *lrp)) {
		log_msg(PLOG_WARN, "the tag answered authentication in %s mode",
		    *lrp ? "LRP" : "AES");
		return NTAG424_ERR_STATE;
	}
	return NTAG424_OK;
}

static int
authenticate(ntag424_dev_t *dev, bool first, enum want want, uint8_t key_no,
    const uint8_t key[AES128_KEY])
{
	struct auth		a;
	struct nt_session	s;
	size_t			n = 0;
	bool			lrp = false;
	int			r = NTAG424_ERR_ARG;

	memset(&a, 0, sizeof(a));
	memset(&s, 0, sizeof(s));
	if (dev == NULL || key == NULL || key_no > NTAG424_KEY_MAX)
		goto out;
	s = dev->sess;	/* NonFirst keeps TI and CmdCtr */
	if (!first && !nt_sess_active(dev)) {
		r = NTAG424_ERR_STATE;
		goto out;
	}
	/* NonFirst continues in the session's suite. */
	if (!first)
		want = s.suite == &nt_suite_lrp ? WANT_LRP : WANT_AES;
	/* From here on the tag drops any session whatever happens (9.1.5). */
	nt_sess_wipe(dev);
	if ((r = make_rnda(dev, a.rnda)) != NTAG424_OK ||
	    (r = part1(dev, first, want, key_no, &a, &n)) != NTAG424_OK ||
	    (r = answer_mode(&a, n, want, &lrp)) != NTAG424_OK)
		goto out;
	r = lrp ? finish_lrp(dev, first, key, &a, &s) :
	    finish_aes(dev, first, key, &a, &s);
	if (r != NTAG424_OK)
		goto out;
	s.key_no = key_no;
	dev->sess = s;
	r = NTAG424_OK;
out:
	if (r == NTAG424_ERR_AUTH)
		log_msg(PLOG_WARN, "tag's answer to authentication with key %u "
		    "did not verify (RndA' or PICCResponse)", key_no);
	wipe(&a, sizeof(a));
	wipe(&s, sizeof(s));
	return r;
}

int
ntag424_auth_ev2_first(ntag424_dev_t *dev, uint8_t key_no,
    const uint8_t key[16])
{
	return authenticate(dev, true, WANT_AES, key_no, key);
}

int
ntag424_auth_ev2_nonfirst(ntag424_dev_t *dev, uint8_t key_no,
    const uint8_t key[16])
{
	if (dev != NULL && dev->sess.suite == &nt_suite_lrp)
		return NTAG424_ERR_STATE;
	return authenticate(dev, false, WANT_AES, key_no, key);
}

int
ntag424_auth_lrp_first(ntag424_dev_t *dev, uint8_t key_no,
    const uint8_t key[16])
{
	return authenticate(dev, true, WANT_LRP, key_no, key);
}

int
ntag424_auth_lrp_nonfirst(ntag424_dev_t *dev, uint8_t key_no,
    const uint8_t key[16])
{
	if (dev != NULL && dev->sess.suite == &nt_suite_aes)
		return NTAG424_ERR_STATE;
	return authenticate(dev, false, WANT_LRP, key_no, key);
}

int
ntag424_auth_first(ntag424_dev_t *dev, uint8_t key_no, const uint8_t key[16])
{
	return authenticate(dev, true, WANT_ANY, key_no, key);
}

int
ntag424_auth_nonfirst(ntag424_dev_t *dev, uint8_t key_no,
    const uint8_t key[16])
{
	return authenticate(dev, false, WANT_ANY, key_no, key);
}

int
ntag424_auth_is_lrp(const ntag424_dev_t *dev)
{
	if (dev == NULL || !nt_sess_active(dev))
		return NTAG424_ERR_STATE;
	return dev->sess.suite == &nt_suite_lrp;
}

int
ntag424_auth_key_no(const ntag424_dev_t *dev)
{
	if (dev == NULL || !nt_sess_active(dev))
		return NTAG424_ERR_STATE;
	return dev->sess.key_no;
}

void
ntag424_auth_end(ntag424_dev_t *dev)
{
	if (dev != NULL)
		nt_sess_wipe(dev);
}
