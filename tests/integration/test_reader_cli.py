"""`desk-app reader simulate` and `desk-app reader watch`, as separate processes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.support.factories import PROJECT_ROOT

CARDS = [
    {
        "name": "赵六",
        "sex_code": "1",
        "birth_date": "1970-01-01",
        "id_number": "110105197001010011",
        "valid_from": "2010-01-01",
        "valid_to": "长期",
        "ethnicity_code": "01",
        "address": "北京市朝阳区",
        "issuing_authority": "北京市公安局朝阳分局",
    }
]


def _watch(port: Path, timeout: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "desk_app",
            "reader",
            "watch",
            "--port",
            str(port),
            "--once",
            "--timeout",
            str(timeout),
        ],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_simulate_and_watch_a_card(tmp_path: Path) -> None:
    cards = tmp_path / "cards.json"
    cards.write_text(json.dumps(CARDS, ensure_ascii=False), encoding="utf-8")
    link = tmp_path / "reader"
    simulator = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "desk_app",
            "reader",
            "simulate",
            "--cards",
            str(cards),
            "--link",
            str(link),
        ],
        cwd=PROJECT_ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert simulator.stdout is not None
        assert simulator.stdout.readline().strip() == str(link)
        watched = _watch(link, 30)
    finally:
        assert simulator.stdin is not None
        simulator.stdin.write("quit\n")
        simulator.stdin.close()
        simulator.wait(timeout=30)
    assert watched.returncode == 0, watched.stderr
    events = [json.loads(line) for line in watched.stdout.splitlines()]
    assert [e["event"] for e in events] == ["connected", "card"]
    card = events[1]["card"]
    assert card["name"] == "赵六" and card["valid_to"] == "长期"
    assert card["id_number"] == "110105197001010011"


def test_watch_without_a_reader_says_so(tmp_path: Path) -> None:
    watched = _watch(tmp_path / "none", 1)
    assert watched.returncode == 1
    assert json.loads(watched.stdout.splitlines()[0])["error"] == "reader.unreachable"
    assert "no card was read" in watched.stderr
