"""Warm a freshly started server: run every page once, so the first visitor finds
the DuckDB connection open, the filter options counted and the shapes loaded.

    python tools/warm.py [http://localhost:8501]

`make run` starts it in the background once the server answers. It speaks
Streamlit's own websocket protocol (bench/sessions.py) on loopback, like one tab
that opens each page in turn; what it warms (the query results and figures of
dashboard/memo.py, the shapes) is shared by every session of the process.
"""

from __future__ import annotations

import asyncio
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.sessions import PAGES, Session  # noqa: E402


def wait_for_health(base: str, timeout: float = 120) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return True
        except OSError:
            time.sleep(0.5)
    return False


async def warm(base: str) -> list[tuple[str, float, bool]]:
    """(page, seconds, finished) for one run of every page."""
    results = []
    async with Session(base, "") as session:
        for page in PAGES:
            run = await session.run(page=page)
            results.append((page or "overview", run.seconds, run.finished))
    return results


def main() -> int:
    base = (sys.argv[1] if len(sys.argv) > 1 else "http://localhost:8501").rstrip("/")
    if not wait_for_health(base):
        print(f"warm: no server answered at {base}", file=sys.stderr)
        return 1
    started = time.monotonic()
    results = asyncio.run(warm(base))
    pages = ", ".join(f"{page} {seconds:.1f} s" for page, seconds, _ in results)
    print(f"warm: {base} ready in {time.monotonic() - started:.1f} s ({pages})")
    return 0 if all(finished for _, _, finished in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
