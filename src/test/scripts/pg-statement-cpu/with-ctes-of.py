#!/usr/bin/env python3
"""Prints a statement with CTEs copied from another statement after its own last CTE.

For the prototype statements of ready-table/: the shipped statements' writing CTEs (logged,
counted, seen), which read only the claimed or changed rows, copied into the prototype's claim and
completion, whose CTEs of those rows carry the same names (benchmarks.md, "What the hot statements
cost without the log rows and the counters, and in a reshaped table").
usage: with-ctes-of.py <source file|-> <target file> <cte> [<cte> ...]
e.g.:  java -cp target/classes src/test/scripts/pg-statement-cpu/TaskSqlText.java CLAIM \\
         | with-ctes-of.py - ready-table/claim.sql logged counted seen > /tmp/claim-full.sql
"""
import re
import sys

source = sys.stdin.read() if sys.argv[1] == '-' else open(sys.argv[1]).read()
target = open(sys.argv[2]).read()
copied = ''
for name in sys.argv[3:]:
    found = re.search(r"\), %s AS \(\n.*?\n(?=\), |\)\n)" % re.escape(name), source, flags=re.S)
    if not found:
        sys.exit("the source has no CTE named %s (one that starts a line with '), %s AS (')" % (name, name))
    copied += found.group(0)
last = target.rfind("\n)\nSELECT ")
if last < 0:
    sys.exit("the target's last CTE does not end on a line of its own before its SELECT")
sys.stdout.write(target[:last] + "\n" + copied + target[last + 1:])
