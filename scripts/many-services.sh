#!/usr/bin/env bash
# Writes a manifest with N services (default 300) to stdout, for measuring what a large manifest
# costs a command that names one service:
#
#   scripts/many-services.sh 300 > /tmp/many/project.yaml
#   project --manifest /tmp/many/project.yaml svc svc5 list
#
# The services svc0, svc1, ... alternate between the shipped project.yaml's two (every field
# type, indexes, a natural key); each one in the shape of `hosts` has a pattern of its own, so
# that no two services share one.
set -euo pipefail

count="${1:-300}"
shipped="$(dirname "$0")/../project.yaml"
example="$(awk '/^  example:/ { f = 1 } /^  hosts:/ { f = 0 } f' "$shipped")"
hosts="$(awk '/^  hosts:/ { f = 1 } f' "$shipped")"
grep -q -- '-]\*\$"' <<<"$hosts" || { echo "many-services.sh: the hosts pattern of $shipped changed" >&2; exit 1; }

printf 'version: 1\napp: many\ndata_dir: data\ndefaults:\n  backend: sqlite\n\nservices:\n'
for ((i = 0; i < count; i++)); do
  if ((i % 2 == 0)); then
    sed "s/^  example:/  svc$i:/" <<<"$example"
    echo
  else
    sed -e "s/^  hosts:/  svc$i:/" -e "s/-]\*\\\$\"/-]*-g$i\$\"/" <<<"$hosts"
    echo
  fi
done
