#!/bin/sh
# Makes a complete copy of a partial (--filter) clone for the history benchmark, without the network:
# every commit, tree and blob the clone holds, with each blob it lacks (large binaries a blob filter
# left out) replaced by one small binary placeholder. Commit ids change; contents do not, but for
# those blobs. `git log -p` on a partial clone would fetch what is missing instead of reading history.
#   sh bench/complete-copy.sh /path/to/partial-clone .bench/real-history/<name>
set -eu
source=$(cd "$1" && git rev-parse --path-format=absolute --git-common-dir)
target=$2
if [ -e "$target" ]; then echo "$target exists: remove it first" >&2; exit 2; fi
mkdir -p "$target"
cd "$target"
git init -q
echo "$source/objects" > .git/objects/info/alternates
placeholder=$(printf 'placeholder\000for a blob the partial clone lacks\n' | git hash-object -w --stdin)
# the blobs history names that the clone lacks (`?<id>`), as sed substitutions
missing=$(git -C "$source" rev-list --objects --all --missing=print | sed -n "s/^?\([0-9a-f]*\)$/s#\1#$placeholder#g;/p")
git -C "$source" fast-export --all --no-data --reencode=no --signed-tags=strip | sed -e "${missing:-b}" | git fast-import --quiet
git repack -a -d -q
rm .git/objects/info/alternates
branch=$(git for-each-ref --format='%(refname:short)' refs/heads | head -n 1)
git symbolic-ref HEAD "refs/heads/$branch"
git reset -q --hard
echo "$target: $(git rev-list --all --count) commits, $(echo "$missing" | grep -c '#' || true) missing blobs replaced"
