/* SPDX-License-Identifier: BSD-2-Clause */
/* libntag424: NTAG 424 DNA host library. Include this header only. */
#ifndef NTAG424_H
#define NTAG424_H

#include "ntag424/err.h"
#include "ntag424/io.h"
#include "ntag424/dev.h"
#include "ntag424/files.h"
#include "ntag424/template.h"
#include "ntag424/sun.h"
#include "ntag424/keys.h"
#include "ntag424/auth.h"
#include "ntag424/select.h"
#include "ntag424/version.h"
#include "ntag424/uid.h"
#include "ntag424/data.h"
#include "ntag424/config.h"
#include "ntag424/originality.h"
#include "ntag424/tt.h"
#include "ntag424/kdf.h"
#include "ntag424/pcsc.h"

#endif
