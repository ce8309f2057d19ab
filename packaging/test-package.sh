#!/usr/bin/env bash
# Checks the release artifacts as a user receives them: runs packaging/build.sh (or, with
# --no-build, reuses what is in dist/), then checks the tarball's contents, SHA256SUMS, and
# the .deb unpacked into a scratch root, running its binary with an empty environment, and
# the .deb installed with dpkg into a second scratch root, where the binary runs chrooted.
# Needs root (dpkg --root and chroot), groff and file; without them the checks fail.
# The last line is "N passed, N failed"; the exit status is 1 when anything failed.
set -euo pipefail

usage() { echo "usage: packaging/test-package.sh [--no-build]" >&2; exit 2; }
build=1
case "${1:-}" in
  "") ;;
  --no-build) build=0 ;;
  -h | --help) sed -n '2,5s/^# \{0,1\}//p' "$0"; exit 0 ;;
  *) usage ;;
esac
[ $# -le 1 ] || usage

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dist="$root/dist"
readonly MAX_BYTES=$((24 * 1000 * 1000))

passed=0
failed=0
pass() { passed=$((passed + 1)); printf 'ok    %s\n' "$1"; }
fail() {
  failed=$((failed + 1))
  printf 'FAIL  %s\n' "$1"
  [ -z "${2:-}" ] || printf '%s\n' "$2" | sed 's/^/        /'
}
# check DESCRIPTION COMMAND...: passes when the command succeeds; shows its output if not.
check() {
  local description="$1" output
  shift
  if output="$("$@" 2>&1)"; then pass "$description"; else fail "$description" "$output"; fi
}
finish() {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit
}

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

if [ "$build" -eq 1 ]; then
  if "$root/packaging/build.sh" >"$scratch/build.log" 2>&1; then
    pass "packaging/build.sh succeeds"
  else
    fail "packaging/build.sh succeeds" "$(tail -n 30 "$scratch/build.log")"
    finish
  fi
fi

# --- Locate the artifacts ----------------------------------------------------------------
arch="$(uname -m)"
debarch="$(dpkg --print-architecture)"
shopt -s nullglob
tarballs=("$dist"/project-*-linux-"$arch".tar.gz)
debs=("$dist"/project_*_"$debarch".deb)
shopt -u nullglob
if [ ${#tarballs[@]} -ne 1 ] || [ ${#debs[@]} -ne 1 ] || [ ! -f "$dist/SHA256SUMS" ]; then
  fail "dist/ holds one tarball, one .deb and SHA256SUMS" \
    "$(ls -la "$dist" 2>&1 || true)"
  finish
fi
pass "dist/ holds one tarball, one .deb and SHA256SUMS"
tarball="${tarballs[0]}"
deb="${debs[0]}"
name="$(basename "$tarball" .tar.gz)"
version="${name#project-}"
version="${version%-linux-"$arch"}"

# --- Tarball -----------------------------------------------------------------------------
expected_files="$(printf '%s\n' bin/project README.md LICENSE project.yaml \
  completions/project.bash completions/_project completions/project.fish man/project.1 \
  | sed "s|^|$name/|" | sort)"
listed_files="$(tar -tzf "$tarball" | grep -v '/$' | sort)"
if [ "$listed_files" = "$expected_files" ]; then
  pass "tarball lists exactly the expected files under $name/"
else
  fail "tarball lists exactly the expected files under $name/" \
    "$(diff <(echo "$expected_files") <(echo "$listed_files") || true)"
fi
check "every tarball entry is under $name/" \
  bash -c '! tar -tzf "$1" | grep -v "^$2/"' _ "$tarball" "$name"
check "bin/project in the tarball is executable and owned by root" \
  bash -c 'tar -tvzf "$1" | grep -E "^-rwxr-xr-x 0/0 .* $2/bin/project$"' _ "$tarball" "$name"
mkdir "$scratch/tar"
tar -xzf "$tarball" -C "$scratch/tar"
check "the tarball's project.yaml is the repository's example manifest" \
  cmp "$root/project.yaml" "$scratch/tar/$name/project.yaml"
check "the tarball's README.md is the repository's" \
  cmp "$root/README.md" "$scratch/tar/$name/README.md"
check "the tarball's LICENSE is the repository's Apache License 2.0" \
  bash -c 'cmp "$1/LICENSE" "$2" && head -n 1 "$2" | grep -qx "Copyright 2026 the project authors" && grep -q "Apache License" "$2"' \
  _ "$root" "$scratch/tar/$name/LICENSE"
check "the tarball's binary prints version $version" \
  bash -c '[ "$("$1" --version | cut -d" " -f1-2)" = "project $2" ]' _ "$scratch/tar/$name/bin/project" "$version"

# --- Checksums ---------------------------------------------------------------------------
check "SHA256SUMS verifies (sha256sum -c)" \
  bash -c 'cd "$1" && sha256sum --strict -c SHA256SUMS' _ "$dist"
check "SHA256SUMS covers the tarball and the .deb" \
  bash -c 'grep -q "  $1\$" "$3/SHA256SUMS" && grep -q "  $2\$" "$3/SHA256SUMS"' \
  _ "$(basename "$tarball")" "$(basename "$deb")" "$dist"

# --- Debian package ----------------------------------------------------------------------
check "the .deb's control names package project, version $version, architecture $debarch" \
  bash -c '[ "$(dpkg-deb -f "$1" Package Version Architecture | tr "\n" " ")" = "Package: project Version: $2 Architecture: $3 " ]' \
  _ "$deb" "$version" "$debarch"
check "the .deb's control has Maintainer, Description, Section admin, Priority optional" \
  bash -c '[ -n "$(dpkg-deb -f "$1" Maintainer)" ] && [ -n "$(dpkg-deb -f "$1" Description)" ] &&
    [ "$(dpkg-deb -f "$1" Section)" = admin ] && [ "$(dpkg-deb -f "$1" Priority)" = optional ]' _ "$deb"
check "the .deb declares no Depends (the binary is static)" \
  bash -c '[ -z "$(dpkg-deb -f "$1" Depends Pre-Depends)" ]' _ "$deb"
check "every file in the .deb is owned by root:root" \
  bash -c '! dpkg-deb -c "$1" | grep -v " root/root "' _ "$deb"

pkg="$scratch/root"
mkdir "$pkg"
check "dpkg -x unpacks the .deb" dpkg -x "$deb" "$pkg"
bin="$pkg/usr/bin/project"

for path in usr/bin/project \
  usr/share/man/man1/project.1.gz \
  usr/share/bash-completion/completions/project \
  usr/share/zsh/vendor-completions/_project \
  usr/share/fish/vendor_completions.d/project.fish \
  usr/share/doc/project/README.md \
  usr/share/doc/project/copyright \
  usr/share/doc/project/examples/project.yaml \
  etc/project/project.yaml; do
  check "/$path is installed and not empty" test -s "$pkg/$path"
done
check "/usr/bin/project is executable" test -x "$bin"
check "/usr/share/doc/project/copyright is the machine-readable copyright file, Apache-2.0" \
  bash -c 'cmp "$1/packaging/copyright" "$2" && head -n 1 "$2" | grep -q "^Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/" &&
    grep -q "^Copyright: 2026 the project authors$" "$2" && grep -q "^License: Apache-2.0$" "$2"' \
  _ "$root" "$pkg/usr/share/doc/project/copyright"
check "the .deb lists /etc/project/project.yaml as its one conffile" \
  bash -c 'dpkg-deb --ctrl-tarfile "$1" | tar -xOf - ./conffiles | diff - <(echo /etc/project/project.yaml)' _ "$deb"
check "/etc/project/project.yaml is the example with data_dir: /var/lib/project" \
  bash -c 'diff <(sed "s|^data_dir: data\$|data_dir: /var/lib/project|" "$1") "$2" && grep -qx "data_dir: /var/lib/project" "$2"' \
  _ "$root/project.yaml" "$pkg/etc/project/project.yaml"
check "the .deb holds /var/lib/project, a folder owned by root, mode 0755" \
  bash -c 'dpkg-deb -c "$1" | grep -Eq "^drwxr-xr-x root/root +0 [0-9-]+ [0-9:]+ \./var/lib/project/\$"' _ "$deb"
check "the .deb holds /etc/project/project.yaml owned by root, mode 0644" \
  bash -c 'dpkg-deb -c "$1" | grep -Eq "^-rw-r--r-- root/root +[0-9]+ [0-9-]+ [0-9:]+ \./etc/project/project\.yaml\$"' _ "$deb"
check "the man page is gzip'd, renders, and names the command" \
  bash -c 'gzip -t "$1" && zcat "$1" | grep -q "^\.TH PROJECT 1 .*project $2" &&
    zcat "$1" | grep -A1 "^\.SH NAME" | grep -q "^project \\\\- " &&
    [ -z "$(zcat "$1" | groff -man -Tutf8 -ww -z 2>&1)" ]' \
  _ "$pkg/usr/share/man/man1/project.1.gz" "$version"
check "the bash completion parses and registers _project" \
  bash -c 'bash -n "$1" && grep -q "complete .*-F _project project" "$1"' \
  _ "$pkg/usr/share/bash-completion/completions/project"
check "the zsh completion starts with #compdef project" \
  bash -c '[ "$(head -n 1 "$1")" = "#compdef project" ]' _ "$pkg/usr/share/zsh/vendor-completions/_project"
check "the fish completion completes the project command" \
  grep -q "complete -c project" "$pkg/usr/share/fish/vendor_completions.d/project.fish"
check "the packaged completions are what the binary prints" \
  bash -c 'cmp <(env -i "$1" completions bash) "$2/usr/share/bash-completion/completions/project" &&
    cmp <(env -i "$1" completions zsh) "$2/usr/share/zsh/vendor-completions/_project" &&
    cmp <(env -i "$1" completions fish) "$2/usr/share/fish/vendor_completions.d/project.fish"' _ "$bin" "$pkg"

# --- The binary: static, small, runs with an empty environment ---------------------------
ldd_output="$(ldd "$bin" 2>&1 || true)"
if grep -q "not a dynamic executable" <<<"$ldd_output"; then
  pass "ldd: not a dynamic executable"
else
  fail "ldd: not a dynamic executable" "$ldd_output"
fi
size="$(stat -c %s "$bin")"
if [ "$size" -lt "$MAX_BYTES" ]; then
  pass "binary is under 24 MB ($size bytes)"
else
  fail "binary is under 24 MB ($size bytes)"
fi
check "binary is stripped" bash -c 'file -b "$1" | grep -q ", stripped"' _ "$bin"

version_out="$(env -i "$bin" --version 2>&1)" && rc=0 || rc=$?
if [ "$rc" -eq 0 ] && [[ "$version_out" =~ ^project\ $version\ \(SQLite\ [0-9.]+,\ OpenSSL\ [0-9.]+,\ libyaml\ [0-9.]+\)$ ]]; then
  pass "env -i project --version prints '$version_out'"
else
  fail "env -i project --version prints 'project $version (SQLite x, OpenSSL y, libyaml z)'" "exit $rc: $version_out"
fi

work="$scratch/work"
mkdir "$work"
cp "$pkg/usr/share/doc/project/examples/project.yaml" "$work/project.yaml"
# run ARGS...: the unpacked binary, in the temp folder, with an empty environment.
run() { (cd "$work" && env -i "$bin" --manifest "$work/project.yaml" "$@"); }
export -f run
export work bin

id="$(run svc example add --name x 2>&1)" && rc=0 || rc=$?
if [ "$rc" -eq 0 ] && [[ "$id" =~ ^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$ ]]; then
  pass "svc example add --name x prints a UUIDv7 id ($id)"
else
  fail "svc example add --name x prints a UUIDv7 id" "exit $rc: $id"
fi
listed="$(run svc example list -o json 2>&1)" && rc=0 || rc=$?
if [ "$rc" -eq 0 ] && grep -q "\"id\": \"$id\"" <<<"$listed" && grep -q '"name": "x"' <<<"$listed"; then
  pass "svc example list -o json shows the added record"
else
  fail "svc example list -o json shows the added record" "exit $rc: $listed"
fi
check "the record went to data/db/myapp.db next to the manifest" test -s "$work/data/db/myapp.db"
check "svc example count says 1" bash -c '[ "$("$@")" = 1 ]' _ run svc example count
check "the json backend is separate: count 0 there" \
  bash -c '[ "$("$@")" = 0 ]' _ run svc example count --backend json
check "export then count on the json backend says 1" \
  bash -c '"$@" svc example export >/dev/null && [ "$("$@" svc example count --backend json)" = 1 ]' _ run
check "the JSON store file holds the record" grep -q "\"$id\"" "$work/data/json/example_items.json"
check "check --data passes on the example" run check --data

# --- Installed with dpkg, run where a server runs it ---------------------------------------
# dpkg installs the .deb into a scratch root with its own package database; the static binary
# then runs chrooted there, from /, with an empty environment: it finds
# /etc/project/project.yaml after the upward search and keeps its data in /var/lib/project.
sysroot="$scratch/sysroot"
mkdir -p "$sysroot/var/lib/dpkg/info" "$sysroot/var/lib/dpkg/updates" "$sysroot/tmp"
touch "$sysroot/var/lib/dpkg/status"
check "dpkg --root installs the .deb (needs root)" \
  dpkg --root="$sysroot" --force-not-root --log=/dev/null -i "$deb"
check "dpkg records /etc/project/project.yaml as a conffile" \
  bash -c 'dpkg --root="$1" -s project | sed -n "/^Conffiles:/,/^[^ ]/p" | grep -q "^ /etc/project/project.yaml [0-9a-f]\{32\}$"' _ "$sysroot"
check "the installed /var/lib/project is a folder owned by root, mode 0755" \
  bash -c '[ "$(stat -c "%U:%G %a %F" "$1/var/lib/project")" = "root:root 755 directory" ]' _ "$sysroot"
# The binary needs /proc (the Swift runtime finds itself through it): a private mount and PID
# namespace mounts one in the scratch root, and takes it away when the command ends.
mkdir -p "$sysroot/proc"
unshare_bin="$(command -v unshare || echo /usr/bin/unshare)"
chroot_bin="$(command -v chroot || echo /usr/sbin/chroot)"
in_root() {
  env -i "$unshare_bin" --mount --propagation private --pid --fork --mount-proc="$sysroot/proc" \
    "$chroot_bin" "$sysroot" /usr/bin/project "$@"
}
export -f in_root
export sysroot chroot_bin unshare_bin
check "chrooted, from /: services finds /etc/project/project.yaml" \
  bash -c 'cd / && in_root services | grep -Eq " /?var/lib/project/db/myapp.db \(table example_items\)"'
check "chrooted: svc example add writes to /var/lib/project/db/myapp.db" \
  bash -c 'in_root svc example add --name server >/dev/null && [ "$(in_root svc example count)" = 1 ] && test -s "$sysroot/var/lib/project/db/myapp.db"'
check "dpkg --root removes the package and keeps the records in /var/lib/project" \
  bash -c 'dpkg --root="$1" --log=/dev/null -r project >/dev/null && test -s "$1/var/lib/project/db/myapp.db" && test -f "$1/etc/project/project.yaml" && ! test -e "$1/usr/bin/project"' _ "$sysroot"

empty="$scratch/empty"
mkdir "$empty"
out="$(cd "$empty" && env -i "$bin" services 2>&1)" && rc=0 || rc=$?
if [ "$rc" -eq 2 ] && [[ "$out" == project:* ]]; then
  pass "without a manifest: exit 2 and one 'project:' error line"
else
  fail "without a manifest: exit 2 and one 'project:' error line" "exit $rc: $out"
fi

finish
