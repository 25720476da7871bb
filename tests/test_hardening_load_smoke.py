"""A few seconds of ``bench/load_during_import.py``: gunicorn on 127.0.0.1 answers every request
while an import runs into its store (the 60-second, 50-connection run is the benchmark)."""

from __future__ import annotations

import json

from bench.load_during_import import run


def test_gunicorn_answers_every_request_while_an_import_runs(tmp_path):
    output = tmp_path / "result.json"
    report = run(duration=4.0, concurrency=8, rows=1500, work=tmp_path, output=output)
    assert json.loads(output.read_text()) == report
    assert report["load"]["requests"] > 20
    assert report["load"]["errors"] == 0
    assert report["imports_completed"] >= 1 and report["imports_failed"] == 0
