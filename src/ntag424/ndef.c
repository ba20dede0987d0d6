/* SPDX-License-Identifier: BSD-2-Clause */
/* NDEF file content for one URI record. */
#include <string.h>

#include "common/buf.h"
#include "ntag424/ndef.h"

/* NFC Forum URI Record Type Definition 1.0, Table 3: prefix codes 01h-23h. */
static const char *const uri_prefixes[] = {
	NULL,
	"http://www.", "https://www.", "http://", "https://", "tel:",
	"mailto:", "ftp://anonymous:anonymous@", "ftp://ftp.", "ftps://",
	"sftp://", "smb://", "nfs://", "ftp://", "dav://", "news:",
	"telnet://", "imap:", "rtsp://", "urn:", "pop:", "sip:", "sips:",
	"tftp:", "btspp://", "btl2cap://", "btgoep://", "tcpobex://",
	"irdaobex://", "file://", "urn:epc:id:", "urn:epc:tag:",
	"urn:epc:pat:", "urn:epc:raw:", "urn:epc:", "urn:nfc:",
};

#define NDEF_HDR_URI	0xD1	/* MB | ME | SR | TNF 1 (NFC Forum well-known) */
#define NDEF_TYPE_URI	'U'
#define SR_PAYLOAD_MAX	255

size_t
ndef_uri_prefix(const char *text, size_t len, uint8_t *code)
{
	size_t best = 0;

	*code = 0;
	for (size_t i = 1; i < sizeof(uri_prefixes) / sizeof(uri_prefixes[0]);
	    i++) {
		size_t n = strlen(uri_prefixes[i]);

		if (n <= len && n > best && memcmp(text, uri_prefixes[i], n) == 0) {
			best = n;
			*code = (uint8_t)i;
		}
	}
	return best;
}

size_t
ndef_uri_record(uint8_t code, const uint8_t *uri, size_t uri_len,
    uint8_t *out, size_t cap)
{
	wbuf_t	w;
	size_t	payload = 1 + uri_len;

	if (payload > SR_PAYLOAD_MAX)
		return 0;
	wbuf_init(&w, out, cap);
	/* T4T NLEN is big endian: the record length without NLEN itself. */
	if (wbuf_put_u16be(&w, (uint16_t)(4 + payload)) != 0 ||
	    wbuf_put_u8(&w, NDEF_HDR_URI) != 0 ||
	    wbuf_put_u8(&w, 1) != 0 ||
	    wbuf_put_u8(&w, (uint8_t)payload) != 0 ||
	    wbuf_put_u8(&w, NDEF_TYPE_URI) != 0 ||
	    wbuf_put_u8(&w, code) != 0 ||
	    wbuf_put(&w, uri, uri_len) != 0)
		return 0;
	return w.len;
}

int
ndef_uri_decode(const uint8_t *file, size_t len, char *out, size_t cap)
{
	const uint8_t	*p = file;
	uint16_t	 nlen;
	uint8_t		 hdr, tlen, plen, type, code;
	const char	*prefix = "";
	size_t		 n;

	if (buf_read_u16be(&p, &len, &nlen) != 0 || nlen > len)
		return -1;
	len = nlen;	/* NFC Forum T4T: the message is NLEN bytes long */
	if (buf_read_u8(&p, &len, &hdr) != 0 ||
	    buf_read_u8(&p, &len, &tlen) != 0 ||
	    buf_read_u8(&p, &len, &plen) != 0 ||
	    buf_read_u8(&p, &len, &type) != 0 || hdr != NDEF_HDR_URI ||
	    tlen != 1 || type != NDEF_TYPE_URI || plen < 1 || plen != len ||
	    buf_read_u8(&p, &len, &code) != 0)
		return -1;
	if (code >= sizeof(uri_prefixes) / sizeof(uri_prefixes[0]))
		return -1;
	if (code != 0)
		prefix = uri_prefixes[code];
	n = strlen(prefix);
	if (n + len + 1 > cap)
		return -2;
	for (size_t i = 0; i < len; i++)
		if (p[i] < 0x21 || p[i] > 0x7E)
			return -1;
	memcpy(out, prefix, n);
	memcpy(out + n, p, len);
	out[n + len] = '\0';
	return 0;
}
