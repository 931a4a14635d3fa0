"""`make serve REPLICAS=N` (issue 13 item 4): N app processes behind Debian's HAProxy on
one port, with sticky sessions and health checks (tools/serve.py)."""

from __future__ import annotations

import asyncio
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.cookies import SimpleCookie

import pytest
from browser_support import free_port
from conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "bench"))
import serve  # noqa: E402
import sessions  # noqa: E402

pytestmark = pytest.mark.load


def test_the_balancer_is_sticky_checks_health_and_has_one_door():
    config = serve.haproxy_config(8501, "0.0.0.0", [8511, 8512, 8513])
    assert "bind 0.0.0.0:8501" in config
    assert config.count("    server replica") == 3
    assert all(
        f"127.0.0.1:{p} check cookie replica{i}" in config
        for i, p in enumerate([8511, 8512, 8513], 1)
    )
    assert "cookie ATLAS_REPLICA insert" in config  # a browser stays on its replica
    assert "option httpchk GET /_stcore/health" in config
    assert "timeout tunnel 1h" in config  # websockets are not cut after a minute


def _replica_of(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as answer:
        assert answer.status == 200
        cookie = SimpleCookie(answer.headers.get("Set-Cookie", ""))
    return cookie["ATLAS_REPLICA"].value


def test_two_replicas_share_the_room_and_a_dead_one_leaves_the_rotation(
    atlas_warehouse, tmp_path, monkeypatch
):
    monkeypatch.setenv("ATLAS_WAREHOUSE", str(atlas_warehouse))
    ports: set[int] = set()
    while len(ports) < 3:  # the door and two replicas, all different
        ports.add(free_port())
    port, *replicas = sorted(ports)
    processes = serve.start(2, port, "127.0.0.1", tmp_path, ports=replicas)
    base = f"http://127.0.0.1:{port}"
    try:
        # newcomers are spread over both replicas, each told which one keeps it
        assert {_replica_of(base + "/") for _ in range(4)} == {"replica1", "replica2"}

        # a session through the one door runs a page
        async def visit() -> sessions.RunResult:
            async with sessions.Session(base, "pillars") as session:
                return await session.run()

        with ThreadPoolExecutor(1) as pool:
            result = pool.submit(asyncio.run, visit()).result()
        assert result.finished and not result.exceptions

        # a replica that stops answering leaves the rotation within the health checks
        processes[0].kill()
        processes[0].wait(timeout=10)
        deadline = time.time() + 15
        while time.time() < deadline:
            try:
                if {_replica_of(base + "/") for _ in range(4)} == {"replica2"}:
                    break
            except OSError:  # a request sent before the check noticed
                pass
            time.sleep(0.5)
        assert {_replica_of(base + "/") for _ in range(6)} == {"replica2"}
    finally:
        serve.stop(processes)
