"""Simplified Chinese is the default language; every string has a translation."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication

from desk_app.vision.quality import QualityIssue
from ui.app import TRANSLATIONS, install_translations
from ui.texts import error_text, hint_text, problem_text

SOURCE = TRANSLATIONS / "desk_app_zh_CN.ts"


@pytest.fixture
def chinese(qapp: Any) -> Iterator[None]:
    if not SOURCE.with_suffix(".qm").exists():
        pytest.fail("desk_app_zh_CN.qm is missing: `make setup` builds it from the .ts file")
    installed = install_translations(qapp, "zh_CN")
    yield
    for translator in installed:
        qapp.removeTranslator(translator)


def test_every_source_string_is_translated() -> None:
    messages = list(ET.parse(SOURCE).iter("message"))
    assert len(messages) > 200
    unfinished = [
        m.findtext("source")
        for m in messages
        if m.find("translation") is None
        or m.find("translation").get("type") in ("unfinished", "obsolete")  # type: ignore[union-attr]
        or not m.findtext("translation")
    ]
    assert unfinished == []


def test_chinese_is_used_once_installed(chinese: None) -> None:
    assert QCoreApplication.translate("CounterScreen", "Confirm (Enter)") == "确认（回车）"
    assert hint_text(QualityIssue.TOO_SMALL) == "请靠近一点"
    from desk_app.domain.errors import PermissionDeniedError

    refused = PermissionDeniedError("x", code="permission.four_eyes")
    assert error_text(refused).startswith("此案例由您本人转审")
    # A roster file's problems are worded by code; the core's English detail is the fallback.
    assert problem_text("roster.required_empty", "phone is empty") == "必填单元格为空。"
    assert problem_text("roster.not_a_code_we_know", "phone is empty") == "phone is empty"
    assert QCoreApplication.translate("LivenessBar", "Liveness check passed") == "活体检测通过"


def test_english_stays_the_source_text(qapp: Any) -> None:
    assert install_translations(qapp, "en") == []
    assert hint_text(QualityIssue.TOO_SMALL) == "Move closer"


def test_the_translation_source_lists_every_string_in_the_code(tmp_path: Any) -> None:
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    lupdate = shutil.which("pyside6-lupdate") or str(
        Path(sys.executable).with_name("pyside6-lupdate")
    )
    ui_files = sorted(str(path) for path in (TRANSLATIONS.parents[1] / "ui").rglob("*.py"))
    fresh = tmp_path / "fresh.ts"
    subprocess.run([lupdate, *ui_files, "-ts", str(fresh)], check=True, capture_output=True)

    def sources(path: Any) -> set[tuple[str, str]]:
        return {
            (context.findtext("name") or "", message.findtext("source") or "")
            for context in ET.parse(path).iter("context")
            for message in context.iter("message")
        }

    assert sources(fresh) == sources(SOURCE)


def test_every_portrait_decoder_failure_is_worded_in_chinese(chinese: None) -> None:
    import re
    from pathlib import Path

    from desk_app.idcard.wlt import WltError

    root = Path(__file__).resolve().parents[2] / "desk_app"
    raised = {
        code
        for path in (root / "idcard" / "wlt.py", root / "services" / "counter_session.py")
        for code in re.findall(r'code="(wlt\.[a-z_]+)"', path.read_text(encoding="utf-8"))
    }
    assert {"wlt.decoder_crashed", "wlt.failed", "wlt.no_decoder"} <= raised
    for code in sorted(raised):
        words = error_text(WltError("technical details", code=code))
        assert "technical details" not in words, code
        assert "芯片照片" in words and words.endswith(f"[{code}]"), words
    crashed = error_text(
        WltError("the WLT decoder crashed (status -11)", code="wlt.decoder_crashed")
    )
    assert crashed.startswith("芯片照片解码程序崩溃。证件文字信息有效")
