#!/usr/bin/env python3
"""Prints a statement (a file, or a TaskSql constant's text from stdin) without the named CTEs.

The CTEs must be ones nothing else reads (the writing CTEs of the hot statements: logged, counted,
seen, released), so that the statement still runs: a variant for run.sh's CLAIM_SQL / COMPLETE_SQL
that shows what those parts cost (benchmarks.md, "What the hot statements cost without the log
rows and the counters").
usage: without-ctes.py <file|-> <cte> [<cte> ...]
"""
import re
import sys

sql = sys.stdin.read() if sys.argv[1] == '-' else open(sys.argv[1]).read()
for name in sys.argv[2:]:
    stripped = re.sub(r"\), %s AS \(\n.*?\n(?=\), |\)\n)" % re.escape(name), "", sql, flags=re.S)
    if stripped == sql:
        sys.exit("no CTE named %s (one that starts a line with '), %s AS (')" % (name, name))
    sql = stripped
sys.stdout.write(sql)
