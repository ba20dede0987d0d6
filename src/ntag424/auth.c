/*
 * AuthenticateEV2First / AuthenticateEV2NonFirst (NT4H2421Gx 9.1.5, 9.1.6,
 * 10.4.1, 10.4.2). All three cryptograms are AES-128-CBC with a zero IV and
 * no padding.
 */
#include <string.h>

#include "common/log.h"
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

/* Part 1: KeyNo [LenCap] -> E(Kx, RndB) 91AF (Tables 27, 33). */
static int
part1(ntag424_dev_t *dev, uint8_t cmd, uint8_t key_no,
    const uint8_t key[AES128_KEY], struct auth *a)
{
	const uint8_t	p1[2] = { key_no, 0x00 };	/* LenCap 0 */
	size_t		n = 0;
	uint16_t	sw;
	int		r;

	if ((r = nt_native(dev, cmd, p1, cmd == NT_CMD_AUTH_EV2_FIRST ? 2 : 1,
	    a->resp, sizeof(a->resp), &n, &sw)) != NTAG424_OK)
		return r;
	switch (sw) {
	case NT_SW_MORE:
		break;
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
	if (n != NT_RND_LEN)
		return NTAG424_ERR_RX;
	if (aes128_cbc_decrypt(key, zero_iv, a->resp, NT_RND_LEN, a->rndb) < 0)
		return NTAG424_ERR_CRYPTO;
	return NTAG424_OK;
}

/* Part 2: E(Kx, RndA || RndB') -> E(Kx, [TI ||] RndA' [|| caps]) 9100. */
static int
part2(ntag424_dev_t *dev, const uint8_t key[AES128_KEY], struct auth *a,
    size_t expect)
{
	size_t		n = 0;
	uint16_t	sw;
	int		r;

	memcpy(a->buf, a->rnda, NT_RND_LEN);
	nt_rotl1(a->rndb, a->buf + NT_RND_LEN);
	if (aes128_cbc_encrypt(key, zero_iv, a->buf, sizeof(a->buf),
	    a->buf) < 0)
		return NTAG424_ERR_CRYPTO;
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
	if (n != expect)
		return NTAG424_ERR_RX;
	if (aes128_cbc_decrypt(key, zero_iv, a->resp, n, a->resp) < 0)
		return NTAG424_ERR_CRYPTO;
	return NTAG424_OK;
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

static int
authenticate(ntag424_dev_t *dev, bool first, uint8_t key_no,
    const uint8_t key[AES128_KEY])
{
	struct auth		a;
	struct nt_session	s;
	size_t			expect = first ? 2 * NT_RND_LEN : NT_RND_LEN;
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
	/* From here on the tag drops any session whatever happens (9.1.5). */
	nt_sess_wipe(dev);
	if ((r = make_rnda(dev, a.rnda)) != NTAG424_OK ||
	    (r = part1(dev, first ? NT_CMD_AUTH_EV2_FIRST :
	    NT_CMD_AUTH_EV2_NONFIRST, key_no, key, &a)) != NTAG424_OK ||
	    (r = part2(dev, key, &a, expect)) != NTAG424_OK ||
	    (r = check_rnda(&a, first ? a.resp + NT_TI_LEN : a.resp)) !=
	    NTAG424_OK)
		goto out;
	if (first) {
		memcpy(s.ti, a.resp, NT_TI_LEN);
		s.cmd_ctr = 0;
	}
	s.suite = &nt_suite_aes;
	s.key_no = key_no;
	if ((r = s.suite->derive(&s, key, a.rnda, a.rndb)) != NTAG424_OK)
		goto out;
	dev->sess = s;
	r = NTAG424_OK;
out:
	if (r == NTAG424_ERR_AUTH)
		log_msg(PLOG_WARN, "tag's answer to authentication with key %u "
		    "did not match RndA", key_no);
	wipe(&a, sizeof(a));
	wipe(&s, sizeof(s));
	return r;
}

int
ntag424_auth_ev2_first(ntag424_dev_t *dev, uint8_t key_no,
    const uint8_t key[16])
{
	return authenticate(dev, true, key_no, key);
}

int
ntag424_auth_ev2_nonfirst(ntag424_dev_t *dev, uint8_t key_no,
    const uint8_t key[16])
{
	return authenticate(dev, false, key_no, key);
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
