/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * File settings of the three StandardData files (NT4H2421Gx 10.7.1, 10.7.2).
 *
 * One typed struct for both GetFileSettings and ChangeFileSettings. Access
 * right nibbles: 0x0-0x4 a key, NTAG424_AR_FREE (E), NTAG424_AR_NEVER (F).
 * Offsets and lengths are byte positions in the file.
 */
#ifndef NTAG424_FILES_H
#define NTAG424_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ntag424/dev.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NTAG424_FILE_CC		0x01	/* E103, 32 bytes */
#define NTAG424_FILE_NDEF	0x02	/* E104, 256 bytes, the only SDM file */
#define NTAG424_FILE_PROP	0x03	/* E105, 128 bytes */

#define NTAG424_AR_FREE		0x0E
#define NTAG424_AR_NEVER	0x0F

/* Offset value meaning "SDMReadCtr enabled but not mirrored". */
#define NTAG424_SDM_NO_MIRROR	0xFFFFFFu

typedef enum ntag424_comm_mode {
	NTAG424_COMM_PLAIN = 0x00,
	NTAG424_COMM_MAC = 0x01,
	NTAG424_COMM_FULL = 0x03,
} ntag424_comm_mode_t;

typedef struct ntag424_access {
	uint8_t	read;
	uint8_t	write;
	uint8_t	read_write;
	uint8_t	change;
} ntag424_access_t;

typedef struct ntag424_sdm {
	bool		enabled;	/* FileOption bit 6 */
	bool		uid_mirror;	/* SDMOptions bit 7 */
	bool		read_ctr;	/* SDMOptions bit 6 */
	bool		read_ctr_limit;	/* SDMOptions bit 5 */
	bool		enc_file_data;	/* SDMOptions bit 4 */
	/* SDMOptions bit 0 (ASCII) is always set: the only encoding defined. */
	uint8_t		ctr_ret;	/* SDMAccessRights nibbles */
	uint8_t		meta_read;
	uint8_t		file_read;
	/* Present on the wire only as datasheet 10.7.1 says; else ignored. */
	uint32_t	uid_offset;
	uint32_t	read_ctr_offset;
	uint32_t	picc_data_offset;
	uint32_t	mac_input_offset;
	uint32_t	enc_offset;
	uint32_t	enc_length;
	uint32_t	mac_offset;
	uint32_t	read_ctr_limit_value;
} ntag424_sdm_t;

typedef struct ntag424_file_settings {
	uint8_t			file_type;	/* 0x00 StandardData */
	ntag424_comm_mode_t	comm_mode;
	ntag424_access_t	access;
	uint32_t		file_size;	/* read back only */
	ntag424_sdm_t		sdm;
} ntag424_file_settings_t;

/*
 * Check settings for file_no (1..3) before they go to a tag: access-right
 * nibbles (5..D are not keys), the conditional SDM fields of NT4H2421Gx
 * 10.7.1 Table 69/71 (MetaRead vs. mirroring, CtrRet vs. counter, ENC only
 * with SDMFileRead and both UID and counter mirrored, limit only with the
 * counter, SDMFileRead E is RFU, SDM only on file 02), the offset ranges
 * against the file's size and the non-overlap rules. A free Change right
 * (E) is refused as well: anyone could then rewrite the settings.
 * Returns NTAG424_OK or NTAG424_ERR_SETTINGS with *field (if field is not
 * NULL) naming the offending member, e.g. "sdm.mac_offset" (static string).
 */
int ntag424_file_settings_validate(const ntag424_file_settings_t *fs,
    uint8_t file_no, const char **field);

/*
 * GetFileSettings of file_no (1..3); MAC mode inside a session.
 * Status words: 911E, 917E, 919E, 919D, 91F0, 91CA, 91EE.
 */
int ntag424_file_settings_get(ntag424_dev_t *dev, uint8_t file_no,
    ntag424_file_settings_t *fs);

/*
 * ChangeFileSettings: validates first (NTAG424_ERR_SETTINGS, nothing sent),
 * then sends Full inside a session, plain without one.
 * Status words: 919D, 91F0, 91AE, 911E, 917E, 919E, 91CA, 91EE.
 */
int ntag424_file_settings_change(ntag424_dev_t *dev, uint8_t file_no,
    const ntag424_file_settings_t *fs);

/*
 * GetFileCounters: the SDMReadCtr of file_no (Full inside a session).
 * Status words: 919D (SDM off, CtrRet F), 91AE, 91F0, 911E, 917E, 919E,
 * 91CA, 91EE.
 */
int ntag424_file_counters(ntag424_dev_t *dev, uint8_t file_no,
    uint32_t *sdm_read_ctr);

#ifdef __cplusplus
}
#endif

#endif
