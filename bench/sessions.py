"""Many people at once: simulated browser sessions against a real app server, on loopback.

Each session speaks Streamlit's own websocket protocol (what the browser's frontend
sends: a "rerun" with the page, the URL's query string, the widget values and the
hashes of the large elements its message cache holds, which then come as references)
and reads what the server answers, so twenty of them cost little beside the server
itself — the numbers are the server's, not a browser's rendering.

A session opens a page, then changes the shared filters several times (ILO region,
pillar, clearing them), timing each rerun (request → `script_finished`) and collecting
every exception the app shows. Meanwhile the warehouse is rebuilt; at the end every
session reruns on the Overview and must show the rebuilt data.

Used by tests/test_many_sessions.py (bounded, loopback only) and, for the numbers in
bench/RESULTS.md, by `python bench/sessions.py`.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import time
from dataclasses import dataclass, field

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

PROJECT_METRIC = "Projects and programmes"  # the Overview's first metric


@dataclass
class RunResult:
    seconds: float
    exceptions: list[str]
    metrics: dict[str, str]
    widgets: dict[str, object]  # label → widget proto (multiselects)
    finished: bool
    alerts: list[str] = field(default_factory=list)  # st.error / warning / info bodies
    kinds: dict[str, int] = field(default_factory=dict)  # message kinds seen (diagnostics)
    auto_reruns: list[str] = field(default_factory=list)  # fragments the page reruns on a timer
    received_bytes: int = 0  # what came over the websocket (after the browser's message cache)


@dataclass
class SessionReport:
    page: str
    rerun_seconds: list[float] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    final_projects: str | None = None


class Session:
    """One simulated browser tab: a websocket to /_stcore/stream."""

    def __init__(self, base_url: str, page: str):
        self.ws_url = base_url.replace("http://", "ws://") + "/_stcore/stream"
        self.page = page
        self.ws = None
        self.widget_values: dict[str, WidgetState] = {}
        # The browser's message cache (Streamlit's frontend ForwardMessageCache): a large
        # element it already holds comes again as a reference to its hash, when the rerun
        # request lists the hashes it holds. hash → (the message, the run count when last
        # used, its fragment); kept until unused for more than `max_cache_age` finished
        # runs (the server says how many).
        self.cached: dict[str, tuple[ForwardMsg, int, str]] = {}
        self.finished_runs = 0
        self.max_cache_age = 2

    async def __aenter__(self) -> Session:
        import websockets

        # No websocket-level keepalive pings (the browser's frontend sends none either): a
        # server busy with twenty reruns may answer a ping late, and that is measured as
        # rerun time, not a dropped session.
        self.ws = await websockets.connect(
            self.ws_url,
            subprotocols=["streamlit"],
            max_size=None,
            open_timeout=60,
            ping_interval=None,
        )
        return self

    async def __aexit__(self, *exc) -> None:
        await self.ws.close()

    async def run(
        self,
        query: str = "",
        page: str | None = None,
        timeout: float = 120,
        fragment_id: str | None = None,
    ) -> RunResult:
        """Rerun the script (as a click or a link does) and read until it finishes;
        with `fragment_id`, rerun that fragment as the browser does on its timer."""
        message = BackMsg()
        state = message.rerun_script
        state.query_string = query
        state.page_name = self.page if page is None else page
        if fragment_id:
            state.fragment_id = fragment_id
            state.is_auto_rerun = True
        state.widget_states.widgets.extend(self.widget_values.values())
        state.cached_message_hashes.extend(self.cached)
        started = time.monotonic()
        await self.ws.send(message.SerializeToString())
        exceptions: list[str] = []
        metrics: dict[str, str] = {}
        widgets: dict[str, object] = {}
        alerts: list[str] = []
        kinds: dict[str, int] = {}
        auto_reruns: list[str] = []
        received = 0
        finished = False
        deadline = started + timeout
        while time.monotonic() < deadline:
            raw = await asyncio.wait_for(self.ws.recv(), timeout=deadline - time.monotonic())
            received += len(raw)
            forward = ForwardMsg()
            forward.ParseFromString(raw)
            kind = forward.WhichOneof("type")
            if kind == "ref_hash":  # an element the cache holds: read as the browser does
                kinds["ref_hash"] = kinds.get("ref_hash", 0) + 1
                forward = self._resolved(forward)
                kind = forward.WhichOneof("type")
            elif forward.metadata.cacheable:
                fragment = forward.delta.fragment_id if kind == "delta" else ""
                self.cached[forward.hash] = (forward, self.finished_runs, fragment)
            if kind == "new_session" and forward.new_session.config.max_cached_message_age:
                self.max_cache_age = forward.new_session.config.max_cached_message_age
            kinds[kind] = kinds.get(kind, 0) + 1
            if kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
                element = forward.delta.new_element
                which = element.WhichOneof("type")
                kinds[which] = kinds.get(which, 0) + 1
                if which == "exception":
                    exceptions.append(f"{element.exception.type}: {element.exception.message}")
                    if os.environ.get("ATLAS_SESSIONS_TRACE"):
                        print("\n".join(element.exception.stack_trace), file=sys.stderr)
                elif which == "metric":
                    metrics[element.metric.label] = element.metric.body
                elif which == "multiselect":
                    widgets[element.multiselect.label] = element.multiselect
                elif which == "alert":
                    alerts.append(element.alert.body)
            elif kind == "auto_rerun":
                auto_reruns.append(forward.auto_rerun.fragment_id)
            elif kind == "script_finished":
                if forward.script_finished != forward.FINISHED_EARLY_FOR_RERUN:
                    self._age_cache(fragment_id)  # as the frontend does after a run
                # a rerun the app asks for itself (st.rerun) finishes and starts again
                if forward.script_finished == forward.FINISHED_SUCCESSFULLY:
                    finished = True
                    break
                if forward.script_finished == forward.FINISHED_FRAGMENT_RUN_SUCCESSFULLY:
                    finished = True  # the fragment alone ran (it asked for no whole run)
                    break
                if forward.script_finished == forward.FINISHED_WITH_COMPILE_ERROR:
                    exceptions.append("compile error")
                    break
        return RunResult(
            time.monotonic() - started,
            exceptions,
            metrics,
            widgets,
            finished,
            alerts,
            kinds,
            auto_reruns,
            received,
        )

    def _resolved(self, reference: ForwardMsg) -> ForwardMsg:
        """The element a reference names, from the cache, with the reference's metadata
        (its place on the page), as the frontend's ForwardMessageCache resolves it."""
        try:
            stored, _used, fragment = self.cached[reference.ref_hash]
        except KeyError:
            raise RuntimeError(
                f"the server referred to a message this session does not hold "
                f"(hash {reference.ref_hash}): the cache is out of step with the server's"
            ) from None
        resolved = ForwardMsg()
        resolved.CopyFrom(stored)
        resolved.metadata.CopyFrom(reference.metadata)
        self.cached[reference.ref_hash] = (stored, self.finished_runs, fragment)
        return resolved

    def _age_cache(self, fragment_id: str | None) -> None:
        """A run finished: forget what went unused for more than the cache's age (after
        a fragment's run, only that fragment's elements), as the frontend does."""
        self.finished_runs += 1
        self.cached = {
            key: (message, used, fragment)
            for key, (message, used, fragment) in self.cached.items()
            if self.finished_runs - used <= self.max_cache_age
            or (fragment_id and fragment != fragment_id)
        }

    def choose(self, widget, labels: list[str]) -> None:
        """Set a multiselect as a user does (the frontend sends the shown labels)."""
        state = WidgetState(id=widget.id)
        state.string_array_value.data.extend(labels)
        self.widget_values[widget.id] = state


async def drive(
    base_url: str,
    page: str,
    changes: int,
    pause: float,
    report: SessionReport,
    rebuilt: asyncio.Event,
) -> None:
    """One session: open `page`, change filters `changes` times, then, once the
    warehouse has been rebuilt for the last time, show the Overview."""
    try:
        async with Session(base_url, page) as session:
            first = await session.run()
            report.exceptions += first.exceptions
            if not first.finished:
                report.errors.append(f"{page}: the first run did not finish")
                return
            widgets = first.widgets
            result = first
            for step in range(changes):
                region = widgets.get("ILO region")
                pillar = widgets.get("Decent Work pillar")
                if region is None or pillar is None:
                    report.errors.append(
                        f"{page}: no filter widgets in the sidebar after step {step}; "
                        f"shown: {result.alerts}; messages: {result.kinds}"
                    )
                    return
                if step % 3 == 2:  # clear them again, as "Clear all filters" does
                    session.choose(region, [])
                    session.choose(pillar, [])
                else:
                    session.choose(region, [region.options[step % len(region.options)]])
                    session.choose(pillar, [pillar.options[(step // 2) % len(pillar.options)]])
                result = await session.run()
                report.exceptions += result.exceptions
                if not result.finished:
                    report.errors.append(f"{page}: rerun {step} did not finish")
                report.rerun_seconds.append(result.seconds)
                widgets = result.widgets or widgets
                await asyncio.sleep(pause)
            await rebuilt.wait()
            # clear the filters (as "Clear all filters" does) and look at the Overview
            session.choose(widgets["ILO region"], [])
            session.choose(widgets["Decent Work pillar"], [])
            final = await session.run(page="")
            report.exceptions += final.exceptions
            report.final_projects = final.metrics.get(PROJECT_METRIC)
    except Exception as exc:  # noqa: BLE001 - every failure is reported, none is hidden
        report.errors.append(f"{page}: {type(exc).__name__}: {exc}")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def summary(reports: list[SessionReport]) -> dict[str, float]:
    times = [t for r in reports for t in r.rerun_seconds]
    return {
        "reruns": len(times),
        "p50": statistics.median(times) if times else float("nan"),
        "p95": percentile(times, 0.95),
        "max": max(times) if times else float("nan"),
    }


def cpu_seconds(pid: int) -> float:
    """CPU time a process has used so far (user + system, all its threads, finished ones
    included), from /proc; 0 when it is gone. A rerun's server CPU is steadier than its
    latency when the machine's speed drifts (bench/RESULTS.md)."""
    import os

    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (MB), from /proc."""
    import os

    total = 0
    pids = [pid]
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as handle:
            pids += [int(c) for c in handle.read().split()]
    except OSError:
        pass
    for each in pids:
        try:
            with open(f"/proc/{each}/status") as handle:
                total += sum(int(x.split()[1]) for x in handle if x.startswith("VmRSS:"))
        except OSError:
            continue
    return total / 1024 if os.path.exists(f"/proc/{pid}") else float("nan")


# --- the whole load test: a server, sessions on every page, rebuilds meanwhile ----------

PAGES = ["", "map", "timeline", "pillars", "projects", "exchanges", "data"]


def catalogue_variant(base, target, extra: int):
    """A copy of the catalogue `base` with `extra` more projects (copies of the first,
    with new ids), so each rebuild visibly changes the data. Synthetic: built with
    --synthetic, and never committed."""
    import csv
    import shutil
    from pathlib import Path

    target = Path(target)
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(base, target)
    path = target / "projects.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    fields = list(rows[0])
    for i in range(extra):
        rows.append(
            {**rows[0], "project_id": f"load-test-extra-{i}", "title": f"Load-test copy {i}"}
        )
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    return target, len(rows)


async def rebuild_warehouse(python: str, source, warehouse) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        python, "-m", "etl", "build", "--synthetic", "--source", str(source),
        "--warehouse", str(warehouse),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    output, _ = await process.communicate()
    return process.returncode, output.decode(errors="replace")[-2000:]


async def load_test(
    base_url: str,
    server_pid: int,
    catalogue,
    warehouse,
    workdir,
    *,
    sessions: int = 20,
    rebuilds: int = 5,
    changes: int = 6,
    pause: float = 0.5,
) -> dict:
    """Run `sessions` sessions (spread over every page) while the warehouse is rebuilt
    `rebuilds` times; return what happened (see tests/test_many_sessions.py)."""
    import sys
    from pathlib import Path

    rebuilt = asyncio.Event()
    reports = [SessionReport(page=PAGES[i % len(PAGES)]) for i in range(sessions)]
    idle = rss_mb(server_pid)
    peak = [idle]
    build_failures: list[str] = []
    expected = [None]

    async def rebuild_all() -> None:
        for k in range(1, rebuilds + 1):
            await asyncio.sleep(1.0)
            source, count = catalogue_variant(catalogue, Path(workdir) / f"catalogue-{k}", k)
            status, output = await rebuild_warehouse(sys.executable, source, warehouse)
            if status != 0:
                build_failures.append(output)
            expected[0] = count
        rebuilt.set()

    async def sample_memory() -> None:
        while not rebuilt.is_set() or any(r.final_projects is None for r in reports):
            peak[0] = max(peak[0], rss_mb(server_pid))
            await asyncio.sleep(0.5)
            if all(r.final_projects is not None or r.errors for r in reports) and rebuilt.is_set():
                break

    started = time.monotonic()
    tasks = [drive(base_url, report.page, changes, pause, report, rebuilt) for report in reports]
    sampler = asyncio.create_task(sample_memory())
    await asyncio.gather(rebuild_all(), *tasks)
    sampler.cancel()
    return {
        "sessions": sessions,
        "rebuilds": rebuilds,
        "wall_seconds": time.monotonic() - started,
        "reports": reports,
        "build_failures": build_failures,
        "expected_projects": expected[0],
        "server_rss_idle_mb": idle,
        "server_rss_peak_mb": peak[0],
        "per_session_mb": (peak[0] - idle) / sessions,
        **summary(reports),
    }


def main() -> None:
    """`python bench/sessions.py [SESSIONS]`: run the load test on the curated
    catalogue and print the numbers recorded in bench/RESULTS.md."""
    import sys
    import tempfile
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root / "tests"))
    from browser_support import running_app_process

    sessions = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    with tempfile.TemporaryDirectory() as tmp:
        source, _ = catalogue_variant(root / "data" / "catalogue", Path(tmp) / "catalogue-0", 0)
        warehouse = Path(tmp) / "warehouse"
        from etl.build import build

        build(source, warehouse, synthetic=True, progress=lambda _m: None)
        with running_app_process(warehouse) as (base, pid):
            result = asyncio.run(load_test(base, pid, source, warehouse, tmp, sessions=sessions))
    errors = [e for r in result["reports"] for e in r.errors + r.exceptions]
    finals = {r.final_projects for r in result["reports"]}
    print(
        f"{result['sessions']} sessions, {result['rebuilds']} rebuilds, "
        f"{result['reruns']} reruns in {result['wall_seconds']:.0f} s: "
        f"p50 {result['p50']:.2f} s, p95 {result['p95']:.2f} s, max {result['max']:.2f} s; "
        f"server RSS {result['server_rss_idle_mb']:.0f} MB idle → "
        f"{result['server_rss_peak_mb']:.0f} MB peak "
        f"({result['per_session_mb']:.1f} MB per session); errors {len(errors)}; "
        f"final project counts {finals} (expected {result['expected_projects']})"
    )
    for error in errors[:20]:
        print("  -", error[:300])
    for failure in result["build_failures"]:
        print("  build failed:", failure[-500:])


if __name__ == "__main__":
    main()
