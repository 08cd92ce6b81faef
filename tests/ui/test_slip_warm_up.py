"""The start-up warm-up of the slip writer: a real sample slip, written off the GUI thread, gone."""

from __future__ import annotations

import tempfile
import threading
from pathlib import Path
from typing import Any

import pytest

import ui.slip
from ui.slip import Slip, warm_up_slip_writer


def test_the_warm_up_writes_a_sample_slip_off_the_gui_thread_and_leaves_nothing(
    qapp: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    written: list[tuple[Slip, bytes, int]] = []
    write = ui.slip.write_slip_pdf

    def recording(slip: Slip, path: Path) -> Path:
        write(slip, path)
        written.append((slip, path.read_bytes(), path.stat().st_mode))
        return path

    monkeypatch.setattr(ui.slip, "write_slip_pdf", recording)
    failures: list[BaseException] = []

    def warm_up() -> None:
        try:
            warm_up_slip_writer()
        except BaseException as error:
            failures.append(error)

    worker = threading.Thread(target=warm_up)
    worker.start()
    worker.join(30)
    assert failures == []
    [(slip, data, mode)] = written
    assert data.startswith(b"%PDF") and len(data) > 2000
    assert mode & 0o077 == 0
    # The sample carries a photo and CJK text, which is what the first real slip loads.
    assert slip.photo and any("\u4e00" <= character <= "\u9fff" for character in slip.name)
    assert list(tmp_path.iterdir()) == []
