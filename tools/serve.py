"""`make serve REPLICAS=N`: N Streamlit processes of the atlas behind HAProxy (Debian's
package), on one port for users (issue 13 item 4).

    .venv/bin/python tools/serve.py --replicas 2 [--port 8501] [--host 127.0.0.1]

One Streamlit process runs every session's script under one GIL, so it uses one core
however many people click. N replicas use N cores. HAProxy sends each new visitor to
the replica with the fewest connections (`leastconn`) and then keeps them there. A
cookie pins the browser's page, websocket, uploads and downloads to one replica, since
a session lives in one process. HAProxy checks each replica's `/_stcore/health` every
2 s and takes a replica that stops answering out of rotation.

Every replica reads the same warehouse (ATLAS_WAREHOUSE, default data/warehouse). A
rebuild swaps it atomically, and each session reads the new version on its next click,
so replicas never need restarting for new data. The replicas listen on 127.0.0.1 only;
HAProxy is the one door. Ctrl-C stops them all. How this becomes many machines is in
docs/scaling.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from warm import wait_for_health  # noqa: E402

FIRST_REPLICA_PORT = 8511


def haproxy_config(port: int, host: str, replicas: list[int]) -> str:
    """HAProxy's configuration: one front door, sticky sessions, health checks."""
    servers = "\n".join(
        f"    server replica{i} 127.0.0.1:{p} check cookie replica{i}"
        for i, p in enumerate(replicas, start=1)
    )
    return f"""\
global
    maxconn 4096

defaults
    mode http
    timeout connect 5s
    timeout client 1h
    timeout server 1h
    timeout tunnel 1h          # a session's websocket stays open while the tab does
    timeout http-request 30s
    option forwardfor

frontend atlas
    bind {host}:{port}
    default_backend replicas

backend replicas
    balance leastconn
    cookie ATLAS_REPLICA insert indirect nocache httponly
    option httpchk GET /_stcore/health
    http-check expect status 200
    default-server inter 2s fall 2 rise 1
{servers}
"""


def ensure_haproxy() -> str:
    """The haproxy binary, installed from Debian's packages when missing (needs root)."""
    found = shutil.which("haproxy") or (
        "/usr/sbin/haproxy" if Path("/usr/sbin/haproxy").exists() else None
    )
    if found:
        return found
    if os.geteuid() != 0:
        raise SystemExit("haproxy is missing and this is not root: sudo apt-get install haproxy")
    print("Installing Debian's haproxy…", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-q"], check=True, env=env, stdout=subprocess.DEVNULL)
    subprocess.run(
        ["apt-get", "install", "-y", "-q", "haproxy"],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    return shutil.which("haproxy") or "/usr/sbin/haproxy"


def start(
    replicas: int, port: int, host: str, logs: Path, ports: list[int] | None = None
) -> list[subprocess.Popen]:
    """Start the replicas (on `ports`, default 8511, 8512…) and HAProxy; return their
    processes (HAProxy last)."""
    haproxy = ensure_haproxy()
    ports = ports or [FIRST_REPLICA_PORT + i for i in range(replicas)]
    processes = []
    for i, replica_port in enumerate(ports, start=1):
        log = (logs / f"replica{i}.log").open("w")
        processes.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "streamlit",
                    "run",
                    str(ROOT / "app.py"),
                    "--server.port",
                    str(replica_port),
                    "--server.address",
                    "127.0.0.1",
                    "--server.headless",
                    "true",
                ],
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )  # fmt: skip
        )
    for i, replica_port in enumerate(ports, start=1):
        if not wait_for_health(f"http://127.0.0.1:{replica_port}", 90):
            stop(processes)
            raise SystemExit(f"replica {i} did not start; its log: {logs / f'replica{i}.log'}")
    config = logs / "haproxy.cfg"
    config.write_text(haproxy_config(port, host, ports))
    subprocess.run([haproxy, "-c", "-q", "-f", str(config)], check=True)
    log = (logs / "haproxy.log").open("w")
    processes.append(
        subprocess.Popen([haproxy, "-db", "-f", str(config)], stdout=log, stderr=subprocess.STDOUT)
    )
    if not wait_for_health(f"http://127.0.0.1:{port}", 30):
        stop(processes)
        raise SystemExit(f"HAProxy did not start; its log: {logs / 'haproxy.log'}")
    return processes


def stop(processes: list[subprocess.Popen]) -> None:
    for process in reversed(processes):
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def _interrupt(*_args) -> None:
    raise KeyboardInterrupt


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--port", type=int, default=8501, help="the one port for users")
    parser.add_argument("--host", default="127.0.0.1", help="0.0.0.0 to serve a room's network")
    parser.add_argument("--logs", type=Path, help="where the logs go (default: a temp folder)")
    args = parser.parse_args()
    if args.replicas < 1:
        raise SystemExit("--replicas must be 1 or more")
    logs = args.logs or Path(tempfile.mkdtemp(prefix="atlas-serve-"))
    logs.mkdir(parents=True, exist_ok=True)
    processes = start(args.replicas, args.port, args.host, logs)
    pids = " ".join(str(p.pid) for p in processes[:-1])
    print(
        f"The atlas: http://{args.host}:{args.port} — {args.replicas} replica(s) "
        f"(pids {pids}) behind HAProxy (pid {processes[-1].pid}); logs in {logs}",
        flush=True,
    )
    for i in range(args.replicas):  # each replica's caches, as `make run` warms its one
        replica = f"http://127.0.0.1:{FIRST_REPLICA_PORT + i}"
        subprocess.run([sys.executable, str(ROOT / "tools" / "warm.py"), replica], check=False)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        while all(p.poll() is None for p in processes):
            time.sleep(1)
        print("a process stopped; stopping the others", file=sys.stderr)
    except KeyboardInterrupt:
        pass
    finally:
        stop(processes)


if __name__ == "__main__":
    main()
