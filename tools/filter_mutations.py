"""Do the tests catch a filter whose SQL is gone? For each filter of the registry, drop
its clause on projects (and on exchanges), run the tests that claim to check it, and
report how many failed. Every line should say FAILS; a "passes" is a test gap.

    .venv/bin/python tools/filter_mutations.py            # every filter
    .venv/bin/python tools/filter_mutations.py region     # one

It also drops each half of the region rule (through a country / through the record's
own region) and the exchange clauses separately. About ten seconds per mutation.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TESTS = ["tests/test_filter_clauses.py", "tests/test_links.py"]

# (name, python that mutates dashboard.filters before the tests are imported). A clause
# set to None is gone: the filter then leaves every record in, as if its SQL were deleted.
MUTATIONS = {
    "q": "entry('q', on_projects=None, on_exchanges=None)",
    "region": "entry('region', on_projects=None, on_exchanges=None)",
    "region: through any country": (
        "entry('region', on_projects='list_contains(?::VARCHAR[], p.region)')"
    ),
    "region: the record's own region": (
        "entry('region', on_projects=BY_KEY['region'].on_projects.split(' or ', 1)[1][:-1])"
    ),
    "region on exchanges": "entry('region', on_exchanges=None)",
    "country": "entry('country', on_projects=None)",
    "country on exchanges": "entry('country', on_exchanges=None)",
    "pillar": "entry('pillar', on_projects=None)",
    "topic": "entry('topic', on_projects=None)",
    "topic on exchanges": "entry('topic', on_exchanges=None)",
    "group": "entry('group', on_projects=None)",
    "partner_type": "entry('partner_type', on_projects=None)",
    "status": "entry('status', on_projects=None)",
    "type": "entry('type', on_projects=None)",
    "years": "entry('years', on_projects=None)",
    "years on exchanges": "entry('years', on_exchanges=None)",
}

RUNNER = """
import dataclasses, sys
import dashboard.filters as f
from dashboard.filters import BY_KEY

def entry(key, **changes):
    changed = dataclasses.replace(BY_KEY[key], **changes)
    f.REGISTRY = tuple(changed if e.key == key else e for e in f.REGISTRY)
    f.BY_KEY[key] = changed

{mutation}
import pytest
sys.exit(pytest.main(["-q", "-p", "no:randomly", "-n", "0", "-x", *{tests}]))
"""


def run(name: str, mutation: str) -> bool:
    """True when the tests fail under the mutation (they caught it)."""
    script = RUNNER.format(mutation=mutation, tests=TESTS)
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=900
    )
    caught = done.returncode != 0
    summary = (done.stdout.strip().splitlines() or ["(no output)"])[-1]
    print(f"{'FAILS ' if caught else 'passes'}  {name:34} {summary}", flush=True)
    return caught


def main(argv: list[str]) -> int:
    chosen = {k: v for k, v in MUTATIONS.items() if not argv or k.split(":")[0] in argv}
    missed = [name for name, mutation in chosen.items() if not run(name, mutation)]
    if missed:
        print(f"\nNot caught by any test: {', '.join(missed)}")
        return 1
    print(f"\nAll {len(chosen)} mutations fail a test.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
