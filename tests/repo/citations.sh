#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The repository stands alone: no file cites a document it does not
# contain. Fails on the numbered notes of documents kept elsewhere (a
# datasheet digest's "D-n" and "reference 8.9", "seed 004", "Seeds
# errata", "protocol.md 3.5", "design step 5", a vectors file, ADRs), on
# any NAME.md that is not in the tree, and on an emulator choice E-n that
# docs/emulator.md does not define.
# Usage: citations.sh SOURCE_DIR
set -u
src=${1:?usage: citations.sh SOURCE_DIR}
cd "$src" || exit 1
self=tests/repo/citations.sh
out=$(mktemp) || exit 1
trap 'rm -f "$out" "$out.files" "$out.md"' EXIT INT TERM

# The tracked text files; a copy without git: everything but build trees.
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git ls-files
else
	find . -name .git -prune -o -name 'build*' -prune -o -type f -print |
	    sed 's|^\./||'
fi | grep -v -e "^$self\$" -e '^fuzz/corpus/' > "$out.files"

# Citations of documents kept outside the repository.
pat='\bD-[0-9]+\b|[Rr]eference (section )?[0-9]+(\.[0-9]+)?\b'
pat="$pat|[Ss]eeds? 0[0-9]+|[Ss]eeds? errata|[Ss]eed document"
pat="$pat|(^|[^-A-Za-z0-9_])protocol\.md|design (step|\.md)"
pat="$pat|ntag424-vectors|ntag424-reference|\bshared/|\bADR-[0-9]+"
tr '\n' '\0' < "$out.files" | xargs -0 grep -InE "$pat" -- > "$out"
if [ -s "$out" ]; then
	echo "FAIL cites a document the repository does not contain:"
	cat "$out"
	fail=1
fi

# Every NAME.md a file names must exist: by its path (from the root or
# from the citing file's folder) or, for a bare name, somewhere in the tree.
# URLs and documents of a named public repository ("owner/repo `docs/X.md`")
# are citations of public sources, not of this tree.
tr '\n' '\0' < "$out.files" |
    xargs -0 grep -IonE '[A-Za-z0-9_.:/-]*[A-Za-z0-9_-]\.md\b' -- |
    grep -v '://' > "$out.md"
while IFS=: read -r file line ref; do
	case $ref in
	*:*)	# owner/repo:path, a public repository's file
		continue
		;;
	*/*)
		dir=$(dirname "$file")
		[ -f "$ref" ] || [ -f "$dir/$ref" ] && continue
		sed -n "${line}p" "$file" |
		    grep -qE "[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+ +[\`]?$ref" &&
		    continue
		;;
	*)
		grep -q -e "^$ref\$" -e "/$ref\$" "$out.files" && continue
		;;
	esac
	echo "FAIL $file:$line names $ref, which does not exist"
	fail=1
done < "$out.md"

# Every emulator choice cited is defined in docs/emulator.md.
tr '\n' '\0' < "$out.files" | xargs -0 grep -IohE '\bE-[0-9]+\b' -- |
    sort -u > "$out"
while read -r e; do
	grep -q "^### $e " docs/emulator.md ||
	    { echo "FAIL $e is cited but not defined in docs/emulator.md"; fail=1; }
done < "$out"

if [ "${fail:-0}" -ne 0 ]; then
	exit 1
fi
echo "PASS citations"
