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

#ifdef __cplusplus
}
#endif

#endif
