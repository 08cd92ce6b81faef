"""What can be checked of the desktop bundle without building it, on any platform: the spec's
lists (packaging/bundle_contents.py, Windows branch included) and the launcher's import order.
`make bundle-smoke` checks the built bundle itself."""

from __future__ import annotations

import ast
import importlib.resources
import importlib.util
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from tests.support.factories import PROJECT_ROOT

PACKAGING = PROJECT_ROOT / "packaging"
sys.path.insert(0, str(PACKAGING))
import bundle_contents  # noqa: E402

MODEL_SUFFIXES = {".dat", ".onnx", ".yaml"}


@pytest.mark.parametrize("windows", [False, True], ids=["linux", "windows"])
def test_every_project_data_file_of_the_spec_exists(
    windows: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bundle_contents, "WINDOWS", windows)
    datas = bundle_contents.project_datas(PROJECT_ROOT)
    missing = [source for source, _ in datas if not Path(source).exists()]
    assert missing == []
    targets = {target for _, target in datas}
    # The translations (built by make setup), the migrations Alembic reads as files, and the
    # password list, each where the code looks for it next to its module.
    assert {"resources/translations", "desk_app/persistence/migrations", "desk_app/security"} <= (
        targets
    )
    assert any(source.endswith(".qm") for source, _ in datas)
    # The converted 68-point landmark model, where shape_model looks for it.
    landmarks = str(PROJECT_ROOT / bundle_contents.LANDMARK_MODEL)
    assert (landmarks, str(bundle_contents.LANDMARK_MODEL.parent)) in datas
    # Every file the package reads next to its modules goes into the bundle beside them.
    collected = {Path(source) for source, _ in datas}
    migrations = PROJECT_ROOT / "desk_app" / "persistence" / "migrations"
    for path in bundle_contents.package_data_files(PROJECT_ROOT / "desk_app"):
        assert path in collected or migrations in path.parents, path
    if windows:
        assert "resources/fonts" not in targets  # Microsoft YaHei is on every Chinese Windows


@pytest.mark.parametrize("package", bundle_contents.DATA_PACKAGES)
def test_model_packages_carry_the_model_files_the_spec_collects(package: str) -> None:
    models = [
        path
        for path in Path(str(importlib.resources.files(package))).rglob("*")
        if path.suffix in MODEL_SUFFIXES
    ]
    assert models, f"{package} has no model files to collect"


@pytest.mark.parametrize("package", sorted(bundle_contents.DATA_EXCLUDES))
def test_each_data_file_the_spec_leaves_out_is_one_of_its_package(package: str) -> None:
    """A pattern that matched nothing (a renamed file) would leave out nothing, unnoticed."""
    root = Path(str(importlib.resources.files(package)))
    for pattern in bundle_contents.DATA_EXCLUDES[package]:
        assert list(root.glob(pattern)), pattern


def test_metadata_and_hidden_imports_of_the_spec_resolve() -> None:
    for distribution in bundle_contents.METADATA_DISTRIBUTIONS:
        assert metadata.version(distribution)
    for module in bundle_contents.HIDDEN_IMPORTS:
        assert importlib.util.find_spec(module) is not None, module
    # The GUI is found through desk-app's entry point: the spec lists its module.
    gui = [entry.module for entry in metadata.entry_points(group="desk_app.gui")]
    assert gui and set(gui) <= set(bundle_contents.HIDDEN_IMPORTS)


def test_the_runtime_hooks_the_spec_skips_are_pyinstallers_own() -> None:
    """A skipped hook that PyInstaller renamed would run again on every start, unnoticed: each
    name must be one of its runtime hooks (``make bundle-smoke`` checks the bundle without
    them: the face models load)."""
    import _pyinstaller_hooks_contrib
    import PyInstaller

    folders = [
        Path(PyInstaller.__file__).parent / "hooks" / "rthooks",
        Path(_pyinstaller_hooks_contrib.__file__).parent / "rthooks",
    ]
    assert bundle_contents.SKIPPED_RUNTIME_HOOKS
    for hook in bundle_contents.SKIPPED_RUNTIME_HOOKS:
        assert any((folder / f"{hook}.py").is_file() for folder in folders), hook
    spec = (PACKAGING / "desk-app.spec").read_text(encoding="utf-8")
    assert "not in SKIPPED_RUNTIME_HOOKS" in spec


def test_launcher_imports_opencv_and_onnxruntime_before_anything_that_imports_qt() -> None:
    """On Windows onnxruntime's DLL fails to load once PySide6 is imported: the launcher's first
    imports there are cv2 and onnxruntime, and the application (which may import Qt) comes
    later."""
    tree = ast.parse((PACKAGING / "launcher.py").read_text(encoding="utf-8"))
    top_level: list[str] = []
    # The module's own statements, and those of its Windows-only branch, in order.
    statements: list[ast.stmt] = []
    for node in tree.body:
        if isinstance(node, ast.If) and "win32" in ast.unparse(node.test):
            statements += node.body
        else:
            statements.append(node)
    for node in statements:
        if isinstance(node, ast.Import):
            top_level += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module != "__future__":
            top_level.append(node.module or "")
    first_project = next(
        (i for i, name in enumerate(top_level) if name.split(".")[0] in {"desk_app", "ui"}),
        len(top_level),
    )
    assert "cv2" in top_level[:first_project] and "onnxruntime" in top_level[:first_project]
    assert not any(name.startswith("PySide6") for name in top_level)


def test_launcher_runs_the_command_line_and_the_portrait_helper(tmp_path: Path) -> None:
    launcher = str(PACKAGING / "launcher.py")
    version = subprocess.run(
        [sys.executable, launcher, "--version"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={"DESK_APP_LOG_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert version.returncode == 0 and "version" in version.stdout
    # Frozen, sys.executable is the bundle: "-m desk_app.idcard.wlt_helper" must reach the
    # helper (its usage error, status 2), not the command line (which would say "no such option").
    helper = subprocess.run(
        [sys.executable, launcher, "-m", "desk_app.idcard.wlt_helper"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert helper.returncode == 2 and "usage: wlt_helper" in helper.stderr


def test_the_windows_installer_packs_the_programs_the_spec_builds() -> None:
    script = (PACKAGING / "windows" / "desk-app.iss").read_text(encoding="utf-8")
    spec = (PACKAGING / "desk-app.spec").read_text(encoding="utf-8")
    name = bundle_contents.BUNDLE_NAME
    assert f'#define BundleDir "..\\..\\dist\\{name}"' in script
    assert 'name=f"{BUNDLE_NAME}-gui"' in spec and "if WINDOWS:" in spec
    programs = set(re.findall(r"\{app\}\\([\w-]+\.exe)", script))
    assert programs == {f"{name}.exe", f"{name}-gui.exe"}
