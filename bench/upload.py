"""Benchmark: one large file through the tus endpoint, as an owner sends it from the request link.

Sets up a fresh SQLite database in a temporary folder (migrated, an agency, a deputy, a case,
a footage request answered "I will provide it" with the owner's statements), serves the app
with gunicorn as production does (deploy/gunicorn.conf.py, camreg.settings.production, the
evidence storage a local folder in the same temporary folder), and uploads a file of
--size-gib GiB (a real MP4 at its start, random bytes after) with the official tus client
(tuspy, 64 MiB chunks, one PATCH each) over loopback.

    python bench/upload.py --size-gib 4 --json

Prints (stdout, with --json) {"throughput_mb_s", "baseline_cp_mb_s", "server_rss_growth_mb",
"sha256_ok", ...}: the upload's MB/s (10^6 bytes), `cp` of the same file on the same disk,
the growth of the gunicorn workers' resident memory during the upload (sampled every 0.1 s,
peak minus before), and whether the SHA-256 of the stored segments is the file's. Both
timed steps start from a flushed page cache (`sync` before each): writes that are still
waiting for the disk would otherwise slow whichever step comes second.
Targets (issue 12): throughput at least 40% of cp, memory growth under 100 MB. A benchmark,
not a test: it reports and never fails on the numbers.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from registration import (  # noqa: E402 - the shared set-up of the benchmarks
    HOST,
    PYTHON,
    ROOT,
    SETUP_AGENCY,
    base_env,
    free_port,
    log,
    manage,
    stop_gunicorn,
    wait_ready,
)

CHUNK = 64 * 1024 * 1024
MB = 1_000_000

SETUP_CODE = r"""
from datetime import timedelta
from django.utils import timezone
from camreg.accounts.models import User
from camreg.canvass.models import Case
from camreg.footage import services as footage
from camreg.footage.models import Answer
from camreg.footage.services.links import _new_link
from camreg.evidence.services import intake
from camreg.registry.models import Camera, RegistrationStatus
from camreg.testing.registrants import make_registrant

deputy = User.objects.create_user(
    "bench.deputy@example.org", "x" * 20, full_name="Bench Deputy", roles=["deputy"]
)
deputy.is_verified = lambda: True  # as after sign-in with the second factor
start = timezone.now() - timedelta(days=1)
case = Case.objects.create(
    case_number="BENCH-1", incident_type="Burglary", address="1200 Truxtun Ave",
    latitude=35.3733, longitude=-119.0187, radius_m=300, start=start,
    end=start + timedelta(hours=1), purpose_statement="Benchmark.", created_by=deputy,
)
owner = make_registrant(
    "Ana Ruiz", email="bench.owner@example.com", status=RegistrationStatus.ACTIVE,
    latitude=35.3733, longitude=-119.0187,
    cameras=[{"label": "Front door", "retention_days": 30, "system_type": "dvr_nvr"}],
)
(request,) = footage.create_requests(
    case, [c.pk for c in Camera.objects.filter(site__registrant=owner)], actor=deputy,
    message="Benchmark",
)
link = _new_link(request, "request")
token = link.rstrip("/").rsplit("/", 1)[-1]
footage.answer(token, Answer.WILL_PROVIDE)
request.refresh_from_db()
intake.owner_statements(
    request, states_unaltered=True, clock_offset_seconds=None, notes="", language="en"
)
print("TOKEN=" + token)
"""

HASH_CODE = r"""
import hashlib
from camreg.evidence.models import Upload
from camreg.evidence.services.storage import evidence_storage
storage = evidence_storage()
upload = Upload.objects.get()
digest = hashlib.sha256()
for segment in upload.segments.order_by("offset"):
    with storage.open(segment.name, "rb") as handle:
        while block := handle.read(8 * 1024 * 1024):
            digest.update(block)
print("SHA256=" + digest.hexdigest())
print("COMPLETED=" + str(upload.completed_at is not None))
print("SEGMENTS=" + str(upload.segments.count()))
"""


def shell(env: dict, code: str) -> dict:
    result = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", code],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        log(result.stderr[-3000:])
        raise RuntimeError("manage.py shell failed")
    values = {}
    for line in result.stdout.splitlines():
        if "=" in line:
            key, _, value = line.partition("=")
            values[key] = value
    return values


def make_video(seconds: int = 2, width: int = 320, height: int = 240, fps: int = 10) -> bytes:
    """A small real MP4 (H.264) made with PyAV, as camreg.testing.evidence makes them."""
    import io

    import av
    import numpy as np

    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        for index in range(seconds * fps):
            image = np.full((height, width, 3), index * 10 % 256, dtype=np.uint8)
            for packet in stream.encode(av.VideoFrame.from_ndarray(image, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return buffer.getvalue()


def make_file(path: Path, size: int) -> str:
    """A real MP4 at the start (its type is checked), random bytes after; its SHA-256."""
    digest = hashlib.sha256()
    head = make_video()
    with path.open("wb") as handle:
        handle.write(head)
        digest.update(head)
        written = len(head)
        block = os.urandom(16 * 1024 * 1024)
        while written < size:
            piece = block[: min(len(block), size - written)]
            # Change each block a little, cheaply, so no two are alike.
            piece = written.to_bytes(8, "big") + piece[8:]
            handle.write(piece)
            digest.update(piece)
            written += len(piece)
    return digest.hexdigest()


def children_of(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == pid:
            found.append(int(entry))
    return found


def rss_bytes(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            pass
    return total


class RssSampler(threading.Thread):
    def __init__(self, pids: list[int]):
        super().__init__(daemon=True)
        self.pids = pids
        self.peak = 0
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            self.peak = max(self.peak, rss_bytes(self.pids))
            time.sleep(0.1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--size-gib", type=float, default=4)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    size = int(args.size_gib * 1024**3)

    from tusclient import client as tus_client

    tmp = Path(tempfile.mkdtemp(prefix="camreg-bench-upload-", dir=ROOT.parent))
    server = None
    try:
        port = free_port()
        env = base_env(f"sqlite:///{tmp / 'bench.sqlite3'}", tmp, tmp / "static", port, "dbcache")
        env.update(
            {
                "EVIDENCE_ROOT": str(tmp / "evidence"),
                "BIND": HOST,
                "PORT": str(port),
                "WEB_TIMEOUT": "120",
            }
        )
        log("setting up the database and the request link ...")
        manage(env, "collectstatic", "--noinput", "--verbosity", "0")
        manage(env, "migrate", "--noinput", "--verbosity", "0")
        manage(env, "createcachetable")
        manage(env, "setup_agency", *SETUP_AGENCY)
        token = shell(env, SETUP_CODE)["TOKEN"]

        source = tmp / "footage.mp4"
        log(f"writing a {args.size_gib:g} GiB file ...")
        expected = make_file(source, size)

        log("cp baseline ...")
        subprocess.run(["sync"], check=False)
        started = time.perf_counter()
        subprocess.run(["cp", str(source), str(tmp / "copy.mp4")], check=True)
        cp_seconds = time.perf_counter() - started
        (tmp / "copy.mp4").unlink()

        server = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
             "--access-logfile", str(tmp / "access.log"),
             "--error-logfile", str(tmp / "gunicorn.log")],
            cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        wait_ready(port, server, tmp)
        base = f"http://{HOST}:{port}"
        endpoint = f"{base}/footage/files/{token}/"
        # Warm every worker up (imports, first queries) before measuring memory.
        import requests

        for _ in range(8):
            requests.options(endpoint, timeout=10)
            requests.get(f"{base}/footage/{token}/upload/", timeout=10)
        # The upload starts from the state cp started from: nothing waiting to be written.
        subprocess.run(["sync"], check=False)
        workers = children_of(server.pid)
        before = rss_bytes(workers)
        sampler = RssSampler(workers)
        sampler.start()

        log(f"uploading with tuspy ({CHUNK // 1024**2} MiB chunks) ...")
        with source.open("rb") as stream:
            uploader = tus_client.TusClient(endpoint).uploader(
                file_stream=stream,
                chunk_size=CHUNK,
                metadata={"filename": "footage.mp4", "filetype": "video/mp4"},
                retries=3,
                retry_delay=1,
            )
            started = time.perf_counter()
            uploader.upload()
            upload_seconds = time.perf_counter() - started
        sampler.stopped.set()
        sampler.join()
        stored = shell(env, HASH_CODE)
        result = {
            "size_gib": args.size_gib,
            "throughput_mb_s": round(size / MB / upload_seconds, 1),
            "baseline_cp_mb_s": round(size / MB / cp_seconds, 1),
            "server_rss_growth_mb": round(max(0, sampler.peak - before) / MB, 1),
            "sha256_ok": stored.get("SHA256") == expected and stored.get("COMPLETED") == "True",
            "upload_seconds": round(upload_seconds, 2),
            "cp_seconds": round(cp_seconds, 2),
            "segments": int(stored.get("SEGMENTS", 0)),
            "workers": len(workers),
        }
        result["throughput_vs_cp"] = round(
            result["throughput_mb_s"] / result["baseline_cp_mb_s"], 2
        )
        if args.json:
            print(json.dumps(result))
        else:
            for key, value in result.items():
                print(f"{key}: {value}")
    finally:
        stop_gunicorn(server)
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
