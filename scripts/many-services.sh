#!/usr/bin/env bash
# Writes a manifest with N services (default 300) to stdout, for measuring what a large manifest
# costs a command that names one service:
#
#   scripts/many-services.sh 300 > /tmp/many/project.yaml
#   project --manifest /tmp/many/project.yaml svc svc5 list
#
# Services alternate between the shapes of the shipped project.yaml's two (every field type, an
# index, a natural key); each has a pattern of its own, so no two services share one.
set -euo pipefail

count="${1:-300}"
cat <<HEADER
version: 1
app: many
data_dir: data
defaults:
  backend: sqlite

services:
HEADER
for ((i = 0; i < count; i++)); do
  if ((i % 2 == 0)); then
    cat <<SERVICE
  svc$i:
    description: Items of service $i
    fields:
      name:   { type: string, required: true, min_length: 1, pattern: "^svc$i-[a-z0-9_-]+\$" }
      count:  { type: integer, default: 0, minimum: 0 }
      status: { type: enum, values: [active, archived], default: active }
      tags:   { type: array, items: string, default: [] }
      meta:   { type: object, additional: true }
    indexes: [status]

SERVICE
  else
    cat <<SERVICE
  svc$i:
    description: Servers of group $i
    id: { field: hostname }
    fields:
      hostname:   { type: string, required: true, pattern: "^[a-z0-9][a-z0-9.-]*\\\\.g$i\$", max_length: 253 }
      ip:         { type: string, unique: true }
      cpu_load:   { type: number, minimum: 0 }
      cores:      { type: integer, minimum: 1, default: 1 }
      active:     { type: boolean, default: true }
      last_seen:  { type: datetime }
      installed:  { type: date }
      role:       { type: enum, values: [web, db, cache, worker] }
      labels:     { type: array, items: { type: string, min_length: 1 } }
      location:
        type: object
        fields:
          region: { type: string, required: true }
          rack:   { type: integer }
      extra:      { type: any }
    indexes: [role, location.region]

SERVICE
  fi
done
