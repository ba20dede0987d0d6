/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The emulator as an in-process libntag424 transport (unit tests, demos).
 */
#ifndef PROVISIO_EMU_IO_H
#define PROVISIO_EMU_IO_H

#include "emu/emu.h"
#include "ntag424/dev.h"

/*
 * Make dev talk to emu. emu is borrowed: the device never frees it, and it
 * must outlive dev (or the next ntag424_dev_set_io). A reconnect is a power
 * cycle: a torn tag "comes back". Returns what ntag424_dev_set_io returns.
 */
int ntag424_emu_attach(ntag424_dev_t *dev, emu_t *emu);

#endif
