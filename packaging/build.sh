#!/usr/bin/env bash
# Builds the release artifacts in dist/ with one command, from any folder:
#
#   dist/project-<version>-linux-<arch>.tar.gz   static binary, README, LICENSE, example
#                                                manifest, completions (bash, zsh, fish), man page
#   dist/project_<version>_<debarch>.deb         the same, installed in the Debian places, with
#                                                /etc/project/project.yaml (a conffile whose
#                                                data_dir is /var/lib/project), the empty data
#                                                folder /var/lib/project (root, 0755) and
#                                                /usr/share/doc/project/copyright
#   dist/SHA256SUMS                              sha256sum format, both files
#
# The binary is the fully static, stripped release build: `ldd` must say "not a dynamic
# executable" and it must stay under 24 MB (the budget), or the build fails (20 MB until OpenSSL, about
# 4.9 MB stripped, came in for the PostgreSQL client's TLS and SCRAM).
#
# Environment: SOURCE_DATE_EPOCH (default: the last commit's time) fixes every timestamp in
# the archives; DEB_MAINTAINER overrides the .deb's Maintainer field.
set -euo pipefail
umask 022

readonly MAX_BYTES=$((24 * 1000 * 1000))
readonly SCRATCH=.build-static

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'build.sh: error: %s\n' "$*" >&2; exit 1; }

# --- Tools -------------------------------------------------------------------------------
# Installs what is missing, only if it is missing: command -> Debian package.
ensure_tools() {
  local -a missing=()
  local pair tool package
  for pair in strip:binutils dpkg-deb:dpkg tar:tar gzip:gzip sha256sum:coreutils ldd:libc-bin groff:groff-base; do
    tool="${pair%%:*}" package="${pair#*:}"
    command -v "$tool" >/dev/null 2>&1 || missing+=("$package")
  done
  # The static link needs libsqlite3.a, libyaml.a and libre2.a from the -dev packages.
  for package in libsqlite3-dev libyaml-dev libre2-dev; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing missing build tools: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  command -v swift >/dev/null 2>&1 || die "swift is not on PATH; install the Swift 6 toolchain"
}

ensure_tools

for file in README.md LICENSE project.yaml packaging/project.1 packaging/copyright; do
  [ -f "$file" ] || die "$root/$file is missing; the package ships it"
done

if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
  SOURCE_DATE_EPOCH="$(git -C "$root" log -1 --format=%ct 2>/dev/null || date +%s)"
fi
export SOURCE_DATE_EPOCH

# --- Build -------------------------------------------------------------------------------
say "building the static release binary (swift build -c release, scratch path $SCRATCH)"
swift_flags=(-c release --scratch-path "$SCRATCH" -Xswiftc -static-executable --product project)
swift build "${swift_flags[@]}"
built="$(swift build "${swift_flags[@]}" --show-bin-path)/project"
[ -x "$built" ] || die "the build said it succeeded but $built is not there"

dist="$root/dist"
mkdir -p "$dist"
work="$(mktemp -d "$dist/.work.XXXXXX")"
trap 'rm -rf "$work"' EXIT

binary="$work/project"
cp "$built" "$binary"
strip "$binary"
chmod 0755 "$binary"

# --- Gates: static and small -------------------------------------------------------------
ldd_output="$(ldd "$binary" 2>&1 | sed 's/^[[:space:]]*//' || true)"
if ! grep -q "not a dynamic executable" <<<"$ldd_output"; then
  die "the binary is not fully static; ldd says:
$ldd_output"
fi
size="$(stat -c %s "$binary")"
if [ "$size" -ge "$MAX_BYTES" ]; then
  die "the stripped binary is $size bytes, at or over the 24 MB limit ($MAX_BYTES bytes)"
fi

# --- Version and architecture ------------------------------------------------------------
version_line="$("$binary" --version)" || die "'project --version' failed"
version="$(awk '{print $2}' <<<"$version_line")"
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+([.+~-][0-9A-Za-z.+~-]+)?$ ]] \
  || die "cannot read a version from 'project --version' (it printed: $version_line)"
arch="$(uname -m)"
debarch="$(dpkg --print-architecture)"
say "$version_line; $arch ($debarch)"

# --- Generated files: completions and man page -------------------------------------------
generated="$work/generated"
mkdir -p "$generated"
for shell in bash zsh fish; do
  out="$generated/completion.$shell"
  # Run from an empty folder with an empty environment, as a packager's chroot would.
  (cd "$work" && env -i "$binary" completions "$shell" >"$out") \
    || die "'project completions $shell' failed"
  [ -s "$out" ] || die "'project completions $shell' printed nothing"
done

build_date="$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%d)"
sed -E "s/^\\.TH PROJECT 1 .*/.TH PROJECT 1 \"$build_date\" \"project $version\" \"User Commands\"/" \
  packaging/project.1 >"$generated/project.1"
grep -q "^\\.TH PROJECT 1 \"$build_date\" \"project $version\"" "$generated/project.1" \
  || die "packaging/project.1 has no '.TH PROJECT 1' line to stamp"
warnings="$(groff -man -Tutf8 -ww -z "$generated/project.1" 2>&1)"
[ -z "$warnings" ] || die "the man page does not render cleanly:
$warnings"

# The server manifest: the example, with its data in /var/lib/project.
grep -q '^data_dir: data$' project.yaml || die "project.yaml has no 'data_dir: data' line to point at /var/lib/project"
sed 's|^data_dir: data$|data_dir: /var/lib/project|' project.yaml >"$generated/etc-project.yaml"
"$binary" --manifest "$generated/etc-project.yaml" check >/dev/null \
  || die "the server manifest (project.yaml with data_dir: /var/lib/project) does not pass 'project check'"

# Remove the artifacts of earlier builds so that SHA256SUMS and dist/ list only this one.
rm -f "$dist"/project-*-linux-*.tar.gz "$dist"/project_*_*.deb "$dist/SHA256SUMS"

# --- Tarball -----------------------------------------------------------------------------
name="project-$version-linux-$arch"
tree="$work/tar/$name"
install -d "$tree/bin" "$tree/completions" "$tree/man"
install -m 0755 "$binary" "$tree/bin/project"
install -m 0644 README.md "$tree/README.md"
install -m 0644 LICENSE "$tree/LICENSE"
install -m 0644 project.yaml "$tree/project.yaml"
install -m 0644 "$generated/completion.bash" "$tree/completions/project.bash"
install -m 0644 "$generated/completion.zsh" "$tree/completions/_project"
install -m 0644 "$generated/completion.fish" "$tree/completions/project.fish"
install -m 0644 "$generated/project.1" "$tree/man/project.1"

tarball="$dist/$name.tar.gz"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" \
  -C "$work/tar" -cf - "$name" | gzip -9n >"$tarball"

# --- Debian package ----------------------------------------------------------------------
deb_root="$work/deb"
doc="$deb_root/usr/share/doc/project"
install -d "$deb_root/DEBIAN" "$deb_root/usr/bin" "$doc/examples" \
  "$deb_root/etc/project" "$deb_root/var/lib/project" \
  "$deb_root/usr/share/man/man1" \
  "$deb_root/usr/share/bash-completion/completions" \
  "$deb_root/usr/share/zsh/vendor-completions" \
  "$deb_root/usr/share/fish/vendor_completions.d"
install -m 0755 "$binary" "$deb_root/usr/bin/project"
install -m 0644 "$generated/completion.bash" "$deb_root/usr/share/bash-completion/completions/project"
install -m 0644 "$generated/completion.zsh" "$deb_root/usr/share/zsh/vendor-completions/_project"
install -m 0644 "$generated/completion.fish" "$deb_root/usr/share/fish/vendor_completions.d/project.fish"
gzip -9n -c "$generated/project.1" >"$deb_root/usr/share/man/man1/project.1.gz"
chmod 0644 "$deb_root/usr/share/man/man1/project.1.gz"
install -m 0644 README.md "$doc/README.md"
for page in Documentation/*.md; do
  [ -f "$page" ] && install -m 0644 "$page" "$doc/$(basename "$page")"
done
install -m 0644 project.yaml "$doc/examples/project.yaml"
install -m 0644 packaging/copyright "$doc/copyright"
# The manifest `project` finds from any folder (after the upward search), as a conffile: an
# upgrade keeps the administrator's edits. Its data folder belongs to root, mode 0755; the
# README says how to give a service user access (dpkg-statoverride).
install -m 0644 "$generated/etc-project.yaml" "$deb_root/etc/project/project.yaml"
chmod 0755 "$deb_root/var/lib/project"
printf '/etc/project/project.yaml\n' >"$deb_root/DEBIAN/conffiles"
chmod 0644 "$deb_root/DEBIAN/conffiles"

maintainer="${DEB_MAINTAINER:-$(git -C "$root" log -1 --format='%an <%ae>' 2>/dev/null || true)}"
[ -n "$maintainer" ] || maintainer="project maintainers <root@localhost>"
installed_kb="$(du -sk --exclude=DEBIAN "$deb_root" | cut -f1)"
cat >"$deb_root/DEBIAN/control" <<EOF
Package: project
Version: $version
Architecture: $debarch
Maintainer: $maintainer
Installed-Size: $installed_kb
Section: admin
Priority: optional
Description: records for the services a YAML manifest declares
 One statically linked binary that keeps records for the services a
 project.yaml manifest declares, each in a human-readable JSON file and in
 a SQLite table. The two stores never sync by themselves; records move
 between them only through explicit export and import commands.
 .
 Adding a service means editing the manifest: no code, no rebuild.
EOF
chmod 0644 "$deb_root/DEBIAN/control"
# Every file gets the same time, so that the package depends only on its inputs.
find "$deb_root" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +

deb="$dist/project_${version}_${debarch}.deb"
# xz rather than the newer zstd default, so that older dpkg versions can install it too.
dpkg-deb -Zxz --root-owner-group --build "$deb_root" "$deb" >/dev/null

# --- Checksums and summary ---------------------------------------------------------------
(cd "$dist" && sha256sum "$(basename "$tarball")" "$(basename "$deb")" >SHA256SUMS)

size_mb="$(awk -v b="$size" 'BEGIN { printf "%.1f", b / 1000000 }')"
binary_sha="$(sha256sum "$binary" | cut -d' ' -f1)"
cat <<EOF

$version_line
binary   bin/project  $size bytes ($size_mb MB, limit 24 MB), stripped
ldd      $ldd_output
sha256   $binary_sha  bin/project
EOF
sed 's/^/sha256   /' "$dist/SHA256SUMS"
echo "written  ${tarball#"$root"/}, ${deb#"$root"/}, dist/SHA256SUMS"
