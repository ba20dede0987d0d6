/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * File data: ReadData / WriteData (NT4H2421Gx 10.8) in Plain, MAC or Full,
 * and the plain ISOReadBinary / ISOUpdateBinary (10.9.2, 10.9.3). An ISO
 * command answering an error in a session ends it (NT4H2421Gx 9.1.9,
 * docs/emulator.md E-3).
 *
 * Long transfers are split below the caller: secured reads in pieces of at
 * most 240 (MAC) / 239 (Full) bytes so that data and MAC fit one short
 * response (docs/emulator.md E-16); writes so that no C-APDU data field
 * exceeds ntag424_dev_max_chunk(). Each piece is its own command with its
 * own MAC and CmdCtr step, so an interrupted write leaves whole pieces
 * written.
 */
#ifndef NTAG424_DATA_H
#define NTAG424_DATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ntag424/dev.h"
#include "ntag424/files.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Pass as mode to take it from GetFileSettings, applying NT4H2421Gx
 * 8.2.3.3: when only a free (E) right grants the access, Plain applies.
 */
#define NTAG424_COMM_AUTO	((ntag424_comm_mode_t)0xFF)

/*
 * The CommMode a ReadData (write = false) or WriteData (write = true) of
 * file_no will use in the current state: Plain without a session; with one,
 * the file's mode if Read/Write or ReadWrite is the session key, else Plain.
 */
int ntag424_data_mode(ntag424_dev_t *dev, uint8_t file_no, bool write,
    ntag424_comm_mode_t *mode);

/*
 * ReadData: exactly len (>= 1) bytes at offset of file_no (1..3) into buf.
 * mode is ignored without a session (the tag answers plain).
 * Status words: 911E, 917E, 919E, 919D, 91F0, 91AE, 91CA, 91EE.
 * NTAG424_ERR_INTEGRITY: a response MAC failed (session closed);
 * NTAG424_ERR_RX: the tag returned another length than asked.
 */
int ntag424_data_read(ntag424_dev_t *dev, uint8_t file_no,
    ntag424_comm_mode_t mode, uint32_t offset, uint8_t *buf, size_t len);

/*
 * WriteData: len (>= 1) bytes from buf to offset of file_no. Same status
 * words as ntag424_data_read, plus 91BE (beyond the end of the file).
 * NTAG424_ERR_ARG if the max chunk cannot carry even one Full block.
 */
int ntag424_data_write(ntag424_dev_t *dev, uint8_t file_no,
    ntag424_comm_mode_t mode, uint32_t offset, const uint8_t *buf,
    size_t len);

/*
 * ISOReadBinary of the selected EF: up to len bytes from offset
 * (0..0x7FFF); *got is less than len only at the end of the file.
 * Status words: 6581, 6700, 6982, 6985, 6A82, 6A86, 6E00.
 */
int ntag424_iso_read_binary(ntag424_dev_t *dev, uint16_t offset,
    uint8_t *buf, size_t len, size_t *got);

/*
 * ISOUpdateBinary of the selected EF, split at the max chunk.
 * Status words: 6581, 6700, 6982, 6985 (beyond the end), 6A82, 6A86, 6E00.
 */
int ntag424_iso_update_binary(ntag424_dev_t *dev, uint16_t offset,
    const uint8_t *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif
