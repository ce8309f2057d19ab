#!/usr/bin/env python3
"""Deterministic benchmark data sets.

    python3 bench/gen.py --size N --out DIR [--schema items|example] [--seed S]
    python3 bench/gen.py --services K --manifest PATH --data-dir DIR

Writes, for N records of the chosen schema:
  DIR/<schema>.ndjson  one record a line: id, the fields, created_at, updated_at
  DIR/<schema>.csv     id,data,created_at,updated_at (data = JSON text of the
                       fields), with a header line, for `sqlite3 .import --skip 1`
  DIR/<schema>.json    the JSON store shape { "<id>": {record}, ... }, indent 2

Schemas: `items` is the service of bench/bench.yaml; `example` is the shipped
service of project.yaml. The same seed and size always give the same bytes.

With --services K, writes instead a manifest of K services svc0 … svc<K-1>, each
shaped like `items` and with store paths of its own (json/svc<i>_items.json,
db/svc<i>.db), its data under DIR: the manifest of the cold-start cases.
"""

import argparse
import csv
import json
import os
import random
import sys

BASE_MS = 1735689600000  # 2025-01-01T00:00:00Z

ADJECTIVES = ["amber", "brisk", "calm", "deep", "eager", "fair", "grand", "hollow",
              "ivory", "jolly", "keen", "lucid", "mellow", "noble", "opal", "proud",
              "quiet", "rapid", "solid", "tidy", "urban", "vivid", "warm", "young"]
NOUNS = ["anchor", "beacon", "cable", "delta", "engine", "falcon", "gate", "harbor",
         "island", "jetty", "kernel", "lantern", "meadow", "nexus", "orbit", "pylon",
         "quarry", "relay", "signal", "tower", "uplink", "vector", "willow", "zenith"]
TAGS = ["prod", "staging", "dev", "critical", "legacy", "beta", "eu", "us", "apac",
        "billing", "search", "auth", "cache", "batch", "ml", "web", "mobile", "infra",
        "security", "analytics"]
TEAMS = ["platform", "payments", "identity", "growth", "data", "mobile", "core",
         "storage", "network", "observability", "search", "support"]
REGIONS = ["eu-west-1", "eu-central-1", "us-east-1", "us-west-2", "ap-south-1",
           "ap-northeast-1"]
HEX = "0123456789abcdef"


def uuid7(ms, rng):
    """A UUIDv7 string for the millisecond `ms`, random bits from `rng`."""
    rand_a = rng.getrandbits(12)
    rand_b = rng.getrandbits(62)
    value = (ms << 80) | (0x7 << 76) | (rand_a << 64) | (0b10 << 62) | rand_b
    h = f"{value:032x}"
    return f"{h[0:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def rfc3339(ms):
    secs, milli = divmod(ms, 1000)
    days, rem = divmod(secs, 86400)
    hh, rem = divmod(rem, 3600)
    mm, ss = divmod(rem, 60)
    # civil-from-days (Howard Hinnant), days since 1970-01-01
    z = days + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    if m <= 2:
        y += 1
    return f"{y:04d}-{m:02d}-{d:02d}T{hh:02d}:{mm:02d}:{ss:02d}.{milli:03d}Z"


def items_fields(i, rng):
    r = rng.random()
    status = "active" if r < 0.6 else ("archived" if r < 0.9 else "pending")
    owner = {"team": rng.choice(TEAMS)}
    if rng.random() < 0.95:
        owner["region"] = rng.choice(REGIONS)
    return {
        "name": f"{rng.choice(ADJECTIVES)}-{rng.choice(NOUNS)}-{i}",
        "count": rng.randint(0, 10000),
        "price": round(rng.uniform(0.5, 999.99), 2),
        "status": status,
        "tags": rng.sample(TAGS, rng.randint(0, 4)),
        "owner": owner,
    }


def example_fields(i, rng):
    meta = {"source": rng.choice(["import", "api", "cli"]), "rank": rng.randint(1, 100)}
    if rng.random() < 0.3:
        meta["note"] = f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}"
    return {
        "name": f"{rng.choice(ADJECTIVES)}-{rng.choice(NOUNS)}-{i}",
        "count": rng.randint(0, 10000),
        "status": "active" if rng.random() < 0.7 else "archived",
        "tags": rng.sample(TAGS, rng.randint(0, 4)),
        "meta": meta,
    }


SCHEMAS = {"items": items_fields, "example": example_fields}

SERVICE = """  svc{i}:
    description: Benchmark items {i}
    fields:
      name:   {{ type: string, required: true, min_length: 1 }}
      count:  {{ type: integer, default: 0, minimum: 0 }}
      price:  {{ type: number, minimum: 0 }}
      status: {{ type: enum, values: [active, archived, pending], default: active }}
      tags:   {{ type: array, items: string, default: [] }}
      owner:
        type: object
        fields:
          team:   {{ type: string }}
          region: {{ type: string }}
    indexes: [status]
    stores:
      json:   {{ path: json/svc{i}_items.json }}
      sqlite: {{ path: db/svc{i}.db, table: items }}
"""


def write_manifest(services, path, data_dir):
    """A manifest of `services` services shaped like bench.yaml's `items`."""
    text = f"version: 1\napp: bench\ndata_dir: {data_dir}\ndefaults:\n  backend: sqlite\nservices:\n"
    text += "".join(SERVICE.format(i=i) for i in range(services))
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(path + ".tmp", path)
    print(f"gen: manifest of {services} services -> {path}", file=sys.stderr)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int)
    ap.add_argument("--out")
    ap.add_argument("--schema", choices=sorted(SCHEMAS), default="items")
    ap.add_argument("--seed", type=int, default=20261130)
    ap.add_argument("--services", type=int, help="write a manifest of this many services instead")
    ap.add_argument("--manifest", help="with --services: where the manifest goes")
    ap.add_argument("--data-dir", help="with --services: the manifest's data_dir")
    args = ap.parse_args()
    if args.services is not None:
        if not args.manifest or not args.data_dir:
            ap.error("--services needs --manifest and --data-dir")
        write_manifest(args.services, args.manifest, args.data_dir)
        return
    if args.size is None or not args.out:
        ap.error("--size and --out are required")

    rng = random.Random(args.seed)
    make = SCHEMAS[args.schema]
    os.makedirs(args.out, exist_ok=True)
    base = os.path.join(args.out, args.schema)
    compact = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode

    ms = BASE_MS
    tmp = {ext: base + "." + ext + ".tmp" for ext in ("ndjson", "csv", "json")}
    with open(tmp["ndjson"], "w", encoding="utf-8") as nd, \
            open(tmp["csv"], "w", encoding="utf-8", newline="") as cf, \
            open(tmp["json"], "w", encoding="utf-8") as js:
        writer = csv.writer(cf, lineterminator="\n")
        writer.writerow(["id", "data", "created_at", "updated_at"])
        js.write("{")
        for i in range(args.size):
            ms += rng.randint(1, 60000)             # strictly increasing ids and times
            fields = make(i, rng)
            rid = uuid7(ms, rng)
            created = rfc3339(ms)
            updated = rfc3339(ms + rng.randint(0, 86_400_000)) if rng.random() < 0.3 else created
            record = {"id": rid, **fields, "created_at": created, "updated_at": updated}
            nd.write(compact(record))
            nd.write("\n")
            writer.writerow([rid, compact(fields), created, updated])
            # Same bytes as json.dump({...}, indent=2), streamed record by record.
            body = json.dumps(record, indent=2, ensure_ascii=False).replace("\n", "\n  ")
            js.write(("\n  " if i == 0 else ",\n  ") + json.dumps(rid) + ": " + body)
        js.write("\n}" if args.size else "}")
    for ext, path in tmp.items():
        os.replace(path, base + "." + ext)
    print(f"gen: {args.size} {args.schema} records -> {base}.{{ndjson,csv,json}}", file=sys.stderr)


if __name__ == "__main__":
    main()
