"""A room full of people (bounded, loopback only): 20 sessions open every page of a
freshly started server at the same moment and change the shared filters while the
warehouse is rebuilt 5 times. Nothing fails, no exception is shown, every rerun
finishes, and every session ends on the rebuilt data. The same tool, run by hand
(`python bench/sessions.py`), gives the rerun times and memory in bench/RESULTS.md."""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from browser_support import running_app_process
from conftest import CATALOGUE, ROOT, quiet

from etl.build import build

sys.path.insert(0, str(ROOT / "bench"))
import sessions  # noqa: E402  (bench/ is not a package)

pytestmark = pytest.mark.load


@pytest.fixture
def warehouse_in_the_app_folder():
    """A warehouse where `make run` keeps one: inside the app's folder (data/), which a
    watching server would watch; the atomic swap deletes folders under it."""
    path = ROOT / "data" / f"warehouse-load-test-{os.getpid()}"
    yield path
    shutil.rmtree(path, ignore_errors=True)
    (path.parent / f".{path.name}.lock").unlink(missing_ok=True)  # the build's lock file


def test_twenty_sessions_while_the_warehouse_is_rebuilt_five_times(
    tmp_path, warehouse_in_the_app_folder
):
    source, count = sessions.catalogue_variant(CATALOGUE, tmp_path / "catalogue-0", 0)
    warehouse = warehouse_in_the_app_folder
    build(source, warehouse, synthetic=True, progress=quiet)
    log = tmp_path / "server.log"
    with running_app_process(warehouse, log) as (base, pid), ThreadPoolExecutor(1) as pool:
        # its own thread: the browser tests' Playwright keeps an event loop in this one
        result = pool.submit(
            asyncio.run,
            sessions.load_test(
                base, pid, source, warehouse, tmp_path, sessions=20, rebuilds=5, changes=2
            ),
        ).result()
    reports = result["reports"]
    assert result["build_failures"] == []
    # every session got its page with the shared sidebar (a fresh server, all at once)
    assert [e for r in reports for e in r.errors] == []
    assert [e for r in reports for e in r.exceptions] == []
    assert result["reruns"] == 20 * 2  # every filter change finished
    assert result["expected_projects"] == count + 5
    assert {r.final_projects for r in reports} == {str(count + 5)}  # the rebuilt data
    # issue 13: the swap crashed Streamlit's file watcher (data/ lay in its watched tree)
    # and every disconnect then logged an ASGI exception; served, nothing is watched
    server_log = log.read_text()
    assert "Traceback" not in server_log and "Exception" not in server_log, server_log[-3000:]
    print(
        f"20 sessions: p50 {result['p50']:.2f} s, p95 {result['p95']:.2f} s, "
        f"{result['per_session_mb']:.1f} MB per session"
    )


def test_past_the_limit_a_visitor_is_told_to_retry_and_gets_in_when_someone_leaves(
    atlas_warehouse,
):
    """Issue 13 item 5: with ATLAS_MAX_SESSIONS=2, a third visitor gets the busy page at
    once (not a hang, no page built), the two others keep working, and once one leaves
    the waiting page opens by itself (it retries every admission.RETRY_S seconds)."""
    from dashboard.ui import admission

    async def room(base: str) -> dict:
        first = sessions.Session(base, "")
        second = sessions.Session(base, "pillars")
        third = sessions.Session(base, "")
        seen: dict = {}
        async with first, second, third:
            seen["first"] = await first.run()
            seen["second"] = await second.run()
            seen["third"] = await third.run()
            seen["second again"] = await second.run()  # those let in keep going
        # `first` and `second` have left; `third`'s page retries by itself
        async with sessions.Session(base, "") as fourth:
            seen["fourth"] = await fourth.run()
        return seen

    with (
        running_app_process(atlas_warehouse, env={admission.MAX_SESSIONS_ENV: "2"}) as (
            base,
            _pid,
        ),
        ThreadPoolExecutor(1) as pool,
    ):
        seen = pool.submit(asyncio.run, room(base)).result()

    assert sessions.PROJECT_METRIC in seen["first"].metrics
    assert seen["second"].finished and not seen["second"].exceptions
    busy = seen["third"]
    assert busy.finished and not busy.metrics  # told at once, nothing built for it
    assert any("Many people are using the atlas" in a for a in busy.alerts), busy.alerts
    assert seen["second again"].finished and seen["second again"].alerts == seen["second"].alerts
    assert sessions.PROJECT_METRIC in seen["fourth"].metrics  # room again once they left


def test_a_waiting_page_opens_by_itself_when_someone_leaves(atlas_warehouse):
    """The busy page asks the browser to rerun its waiting fragment every RETRY_S
    seconds (what the browser then sends is replayed here): once the one session let
    in has left, that timed rerun brings the whole page."""
    from dashboard.ui import admission

    async def wait(base: str) -> tuple[sessions.RunResult, sessions.RunResult]:
        first = sessions.Session(base, "")
        async with sessions.Session(base, "") as waiting:
            async with first:
                await first.run()
                busy = await waiting.run()
                still = await waiting.run(fragment_id=busy.auto_reruns[0])
                assert not still.metrics  # the first is still there: still waiting
            # `first` has left; the browser's next timed rerun of the waiting fragment
            opened = await waiting.run(fragment_id=busy.auto_reruns[0])
        return busy, opened

    with (
        running_app_process(atlas_warehouse, env={admission.MAX_SESSIONS_ENV: "1"}) as (
            base,
            _pid,
        ),
        ThreadPoolExecutor(1) as pool,
    ):
        busy, opened = pool.submit(asyncio.run, wait(base)).result()
    assert not busy.metrics and len(busy.auto_reruns) == 1
    assert sessions.PROJECT_METRIC in opened.metrics


def test_a_rerun_sends_the_large_elements_a_browser_holds_as_references(atlas_warehouse):
    """Issue 13 "keep payloads small": the map's shapes (~0.3 MB) reach a browser once;
    a click that redraws the same map sends its hash, which the browser's message cache
    resolves (the session here keeps the cache as Streamlit's frontend does). The page
    reads the same: its metrics and no exception."""

    async def map_twice():
        async with sessions.Session(base, "map") as session:
            return await session.run(page="map"), await session.run(page="map")

    with running_app_process(atlas_warehouse) as (base, _pid), ThreadPoolExecutor(1) as pool:
        first, again = pool.submit(asyncio.run, map_twice()).result()
    assert first.finished and again.finished
    assert first.kinds.get("deck_gl_json_chart") == again.kinds.get("deck_gl_json_chart") == 1
    assert again.kinds.get("ref_hash", 0) >= 1  # the map came as a reference
    assert again.received_bytes < first.received_bytes / 4, (first.received_bytes, again)
    assert again.metrics == first.metrics and not first.exceptions + again.exceptions


@pytest.mark.skipif(
    not Path("/proc/self/maps").exists(),
    reason="SKIPPED LOUDLY: no /proc here to read the server's libraries",
)
def test_the_server_sends_on_uvloop(atlas_warehouse, tmp_path):
    """Issue 13: a run's ~100 messages cost 14% less server CPU per rerun to send on
    uvloop's event loop than on asyncio's (bench/RESULTS.md). Streamlit picks uvloop
    when it is installed and falls back quietly when it cannot start it: the served
    process must have it loaded and must not have fallen back, or a fresh machine
    silently serves a room slower."""
    log = tmp_path / "server.log"
    with running_app_process(atlas_warehouse, log) as (_base, pid):
        maps = Path(f"/proc/{pid}/maps").read_text()
    assert "/uvloop/" in maps, "the server runs without uvloop (pip install -e .)"
    assert "uvloop" not in log.read_text(), log.read_text()[-2000:]  # no fallback warning
