#!/usr/bin/env python3
"""Self cost of a callgrind profile, grouped into buckets that say where time goes.

    callgrind_annotate --threshold=100 --auto=no FILE | swift demangle --simplified --compact | cgsummary.py

Prints a Markdown table: bucket, Ir, share. Each function's self cost goes to
the first bucket whose pattern matches its line.
"""

import re
import sys

BUCKETS = [
    ("dynamic loader (ld.so relocation, symbol lookup)", r"ld-linux-x86-64|/elf/|dl-lookup|dl-reloc|_dl_"),
    ("Swift runtime: protocol conformance lookup", r"swift_conformsToProtocol|ConformanceCandidate|conformsToProtocol"),
    ("Swift runtime: generic metadata lookup (unspecialized generics)",
     r"GenericMetadata|GenericCacheEntry|MetadataCacheKey|getCache\(|swift_getTypeByMangled|swift_checkMetadataState|"
     r"swift_getWitnessTable|swift_getAssociated|MetadataAllocator|_swift_getGeneric"),
    ("ARC: retain/release", r"swift_retain|swift_release(?!_dealloc)|swift_bridgeObjectRe|RefCounts|swift_unknownObject|"
     r"swift_nonatomic_re|swift_isUniquelyReferenced"),
    ("allocation: malloc/free, object alloc/dealloc",
     r"malloc|_int_free|cfree|\bfree\b|swift_allocObject|swift_slowAlloc|swift_deallocObject|swift_slowDealloc|"
     r"_swift_release_dealloc|deallocating_deinit|swift_deallocClassInstance|swift_allocBox|swift_deallocBox|"
     r"_consumeAndCreateNew|_copyOrMoveAndResize|reserveCapacity"),
    ("compiler-generated value copies and destroys (outlined copy/consume, initializeWithCopy, destroy)",
     r"outlined |initializeWithCopy|initializeWithTake|assignWithCopy|destroy for|EnumTag|getEnumTag"),
    ("project code: JSON parser (JSONReader.swift, JSONParser.swift, UTF8Text.swift)", r"JSONReader\.swift:|JSONParser\.swift:|UTF8Text\.swift:"),
    ("project code: JSON writer (JSONWriter.swift)", r"JSONWriter\.swift:"),
    ("project code: schema validation", r"SchemaValidator\.swift:|FieldValueParser\.swift:"),
    ("hashing and Dictionary/Set", r"Hasher|\.hash\(into|hashValue|_RawDictionaryStorage|_NativeDictionary|Dictionary|"
     r"_NativeSet|__RawSetStorage|\bSet\b"),
    ("String creation, validation, comparison", r"String|_StringGuts|_StringObject|Substring|Character|Unicode|_stringCompare"),
    ("libc memcpy/memmove/memset/memcmp/strlen", r"memmove|memcpy|memset|memcmp|strlen|strcmp|__memchr|strchr"),
    ("SQLite library", r"libsqlite3|sqlite3"),
    ("project code: other", r"Sources/ProjectCore|Sources/project"),
    ("ArgumentParser", r"swift-argument-parser|ArgumentParser"),
    ("Swift stdlib: arrays and other", r"libswiftCore|Array|ContiguousArray|Sequence|Collection"),
    ("libc other", r"libc\.so"),
]
COMPILED = [(name, re.compile(p)) for name, p in BUCKETS]
LINE = re.compile(r"^\s*([\d,]+)\s+\(\s*[\d.]+%\)\s+(.*)$")


def main():
    totals = {}
    total = 0
    program_total = None
    in_functions = False
    for line in sys.stdin:
        if "PROGRAM TOTALS" in line:
            m = LINE.match(line.replace("PROGRAM TOTALS", "x"))
            if m:
                program_total = int(m.group(1).replace(",", ""))
            continue
        if "file:function" in line:
            in_functions = True
            seen_rows = False
            continue
        if not in_functions:
            continue
        if line.startswith("--"):       # the rule under the header, or the end of the table
            if seen_rows:
                break
            continue
        seen_rows = True
        m = LINE.match(line)
        if not m:
            continue
        ir = int(m.group(1).replace(",", ""))
        text = m.group(2)
        bucket = next((name for name, rx in COMPILED if rx.search(text)), "other")
        if bucket == "other" and "--other" in sys.argv:
            print(ir, text, file=sys.stderr)
        totals[bucket] = totals.get(bucket, 0) + ir
        total += ir
    total = program_total or total
    print("| where the self cost goes | Ir | share |")
    print("|---|---|---|")
    for name, ir in sorted(totals.items(), key=lambda kv: -kv[1]):
        print(f"| {name} | {ir:,} | {100 * ir / total:.1f}% |")


if __name__ == "__main__":
    main()
