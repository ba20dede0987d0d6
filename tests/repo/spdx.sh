#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Every source, header, script, build file and man page of the repository
# names its licence (LICENSE, BSD-2-Clause) in an SPDX line near its top.
#   tests/repo/spdx.sh SOURCE_DIR
set -eu
top=${1:?usage: spdx.sh SOURCE_DIR}
cd "$top"
[ -f LICENSE ] && grep -q "BSD 2-Clause\|Redistribution and use" LICENSE || {
	echo "FAIL: no BSD-2-Clause LICENSE file"
	exit 1
}
missing=$(find CMakeLists.txt Makefile .ci src include tools tests bench fuzz \
    scripts man examples debian \
    -path '*/corpus' -prune -o -type f \( -name '*.c' -o -name '*.h' \
    -o -name '*.sh' -o -name '*.py' -o -name '*.lua' -o -name '*.cmake' \
    -o -name 'CMakeLists.txt' -o -name 'Makefile' -o -name '*.[1-8]' \
    -o -name '*.map' -o -name '*.pc.in' -o -name 'run' \) -print 2>/dev/null |
    while read -r f; do
	head -n 3 "$f" | grep -q 'SPDX-License-Identifier: BSD-2-Clause' ||
	    echo "$f"
    done)
if [ -n "$missing" ]; then
	echo "FAIL: files without an SPDX-License-Identifier line:"
	echo "$missing"
	exit 1
fi
echo "ok   every source, script and man page carries its SPDX line"
