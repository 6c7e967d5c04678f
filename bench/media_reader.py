"""Benchmark: reading a footage file's media facts and poster in the child process
(services.media_reader) against reading them in the worker itself, as before.

For each kind of file (a short small video, a longer 720p one, and the 720p one followed by
a large tail of other bytes, as a DVR export may carry), the file is written to a temporary
folder and read both ways, interleaved, from that file: `in_process` opens it and calls
media.probe and media.poster_jpeg; `child` calls media_reader.read on the same open file,
which starts the child and hands it byte ranges. Prints one JSON object: per file, its size,
the median and p95 of both ways in ms, and `child_over_in_process` (medians). No database,
no Django settings.

    .venv/bin/python bench/media_reader.py [--runs 15]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from camreg.evidence.services import media, media_reader  # noqa: E402


def make_video(seconds: float, width: int, height: int, fps: int = 25) -> bytes:
    import io

    import av
    import numpy as np

    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        rng = np.random.default_rng(1)
        for index in range(int(seconds * fps)):
            image = rng.integers(0, 255, (height, width, 3), dtype=np.uint8)
            image[:, : width // 4] = index % 255
            frame = av.VideoFrame.from_ndarray(image, format="rgb24")
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return buffer.getvalue()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def in_process(path: Path) -> bool:
    with path.open("rb") as source:
        facts = media.probe(source)
        media.poster_jpeg(source, facts)
    return facts.readable


def child(path: Path) -> bool:
    with path.open("rb") as source:
        facts, _jpeg = media_reader.read(source, path.stat().st_size)
    return facts.readable


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args(argv)
    small = make_video(2, 320, 240)
    large = make_video(10, 1280, 720)
    files = {
        "2s_320x240": small,
        "10s_1280x720": large,
        "10s_1280x720_plus_200MiB": large + os.urandom(1024 * 1024) * 200,
    }
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        for name, data in files.items():
            path = Path(folder) / f"{name}.mp4"
            path.write_bytes(data)
            assert in_process(path) and child(path), name  # warm-up, and both read it
            times: dict[str, list[float]] = {"in_process": [], "child": []}
            for _ in range(args.runs):
                for way, read in (("in_process", in_process), ("child", child)):
                    started = time.perf_counter()
                    read(path)
                    times[way].append(time.perf_counter() - started)
            medians = {way: statistics.median(values) for way, values in times.items()}
            results[name] = {
                "bytes": len(data),
                **{f"{way}_p50_ms": round(medians[way] * 1000, 1) for way in times},
                **{
                    f"{way}_p95_ms": round(percentile(v, 0.95) * 1000, 1)
                    for way, v in times.items()
                },
                "child_over_in_process": round(medians["child"] / medians["in_process"], 2),
                "child_minus_in_process_ms": round(
                    (medians["child"] - medians["in_process"]) * 1000, 1
                ),
            }
            print(f"{name}: {results[name]}", file=sys.stderr)
    print(json.dumps({"runs": args.runs, "files": results}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
