/* libntag424: NTAG 424 DNA host library. Include this header only. */
#ifndef NTAG424_H
#define NTAG424_H

#include "ntag424/err.h"
#include "ntag424/io.h"
#include "ntag424/dev.h"
#include "ntag424/files.h"
#include "ntag424/template.h"
#include "ntag424/sun.h"

#endif
