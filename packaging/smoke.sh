#!/usr/bin/env bash
# Smoke test of the one-folder bundle, run as a clerk's machine would: no project Python, no
# virtual environment on the PATH, a fresh home. Usage: packaging/smoke.sh [dist/desk-app]
# The shared images are read in place from DESK_APP_DATA_DIR (default ../shared/data).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
bundle=$(cd "${1:-$repo/dist/desk-app}" && pwd)
data="${DESK_APP_DATA_DIR:-$repo/../shared/data}"
app="$bundle/desk-app"
[ -x "$app" ] || { echo "smoke: no bundle at $bundle (make bundle)" >&2; exit 1; }
# Without the shared images (a checkout elsewhere) the card and face steps are skipped, saying
# so, like the tests that need them; every other step still runs.
have_data=false
if [ -d "$data/faces" ] && [ -d "$data/idcards" ]; then
  data=$(cd "$data" && pwd)
  have_data=true
else
  echo "smoke: shared data not found at $data: card read and faces verify-pairs SKIPPED" >&2
  data=/nonexistent
fi

work=$(mktemp -d /tmp/desk-app-smoke.XXXXXX)
trap 'rm -rf "$work"' EXIT
# Any command that fails stops the test (set -e): say which, so a CI log shows it.
trap 'echo "FAIL (smoke.sh line $LINENO): $BASH_COMMAND"' ERR
cd "$work"  # nothing of the checkout is importable from here

# Only the system's own tools on the PATH: the project's .venv and any Python environment off.
clean_environment=(
  env -i PATH=/usr/bin:/bin HOME="$work/home" LANG=C.UTF-8
  XDG_CONFIG_HOME="$work/home/config" XDG_DATA_HOME="$work/home/data"
  XDG_STATE_HOME="$work/home/state" DESK_APP_LOG_DIR="$work/log" DESK_APP_DATA_DIR="$data"
  PYTHON_KEYRING_BACKEND=keyring.backends.fail.Keyring QT_QPA_PLATFORM=offscreen
)
run() { "${clean_environment[@]}" "$@"; }
step() { printf 'smoke: %-40s' "$1"; }
elapsed() { awk -v s="$1" -v e="$(date +%s.%N)" 'BEGIN { printf "%5.1f s\n", e - s }'; }

step "python not reachable"
if run bash -c 'command -v python3 >/dev/null && python3 -c "import desk_app"' 2>/dev/null; then
  echo "FAIL: desk_app importable from the PATH's python"; exit 1
fi
echo ok

step "--version"; t=$(date +%s.%N)
run "$app" --version >"$work/version.out"
grep -q "version 0\." "$work/version.out"; elapsed "$t"

step "--help (imports every command)"; t=$(date +%s.%N)
# Command modules are imported on use (desk_app.cli.root.COMMANDS): the help imports them all,
# so a module the bundle lacks fails here.
run "$app" --help >"$work/help.out"
for command in audit card central db demo diagnose faces liveness report sync; do
  grep -q "^  $command " "$work/help.out" || { echo "FAIL: '$command' not in --help"; exit 1; }
done
elapsed "$t"

step "demo --db"; t=$(date +%s.%N)
# Into a file, not a pipe: grep -q would close the pipe at the first match, and the command's
# next line would fail with a broken pipe.
run "$app" demo --db "$work/demo.db" --candidates 50 >"$work/demo.out"
grep -q "50 candidates" "$work/demo.out"; elapsed "$t"
run "$app" audit verify --db "$work/demo.db" >/dev/null

if $have_data; then
  step "card read (specimen)"; t=$(date +%s.%N)
  status=0
  run "$app" card read --json "$data/idcards/bzsome_idcard_generator_result_color.jpg" >"$work/card.json" \
    || status=$?
  # 1: read, with problems found (this specimen expired in 2020 and its sex does not match).
  [ "$status" -le 1 ] || { echo "FAIL: card read exited with $status"; exit 1; }
  grep -q '"513\*\*\*\*\*\*\*\*\*\*\*6346"' "$work/card.json" \
    || { echo "FAIL: the specimen's ID number was not read"; cat "$work/card.json"; exit 1; }
  elapsed "$t"

  step "faces verify-pairs (6 pairs)"; t=$(date +%s.%N)
  head -n 4 "$data/faces/lfw/pairs_east_asian.csv" >"$work/pairs.csv"
  # awk stops by itself: "| head -n 3" would end it with SIGPIPE, a failure under pipefail.
  awk -F, 'NR > 1 && $3 + 0 == 0 && ++n <= 3' "$data/faces/lfw/pairs_east_asian.csv" >>"$work/pairs.csv"
  status=0
  run "$app" faces verify-pairs "$work/pairs.csv" --root "$data/faces/lfw/images" \
    --out "$work/verified.csv" >/dev/null 2>"$work/faces.err" || status=$?
  [ "$status" = 0 ] || { echo "FAIL: faces verify-pairs exited with $status"; cat "$work/faces.err"; exit 1; }
  # Every pair decided (no "error" row), the genuine ones passed, the impostors did not.
  decided=$(awk -F, 'NR > 1 && ($3 + 0 == 1 && $5 == "pass" || $3 + 0 == 0 && $5 != "pass" && $5 != "error")' \
    "$work/verified.csv" | wc -l)
  [ "$decided" = 6 ] || { echo "FAIL: $decided of 6 pairs decided right"; cat "$work/verified.csv"; exit 1; }
  elapsed "$t"
fi

step "GUI offscreen for 10 s"; t=$(date +%s.%N)
log="$work/log/desk-app.log"
# Not through run(): a backgrounded function is a subshell, and killing it would leave the GUI
# running; env execs the program, so $! is the GUI itself.
"${clean_environment[@]}" "$app" --demo --db "$work/demo.db" >"$work/gui.out" 2>&1 &
gui=$!
# A loaded machine may take longer than 10 s to show the window: wait for it (60 s at most),
# then the counter must stay up 10 s more.
for _ in $(seq 600); do
  grep -q "startup: window shown" "$log" 2>/dev/null && break
  kill -0 "$gui" 2>/dev/null || break
  sleep 0.1
done
grep -q "startup: window shown" "$log" 2>/dev/null \
  || { echo "FAIL: no window"; kill "$gui" 2>/dev/null; cat "$work/gui.out" "$log"; exit 1; }
sleep 10
kill -0 "$gui" 2>/dev/null || { echo "FAIL: the GUI stopped"; cat "$work/gui.out"; exit 1; }
# The window is shown before the database opens (on a worker): by now it must have opened, and
# the sign-in button work.
grep -q "startup: sign-in ready" "$log" \
  || { echo "FAIL: sign-in never ready"; kill "$gui"; cat "$work/gui.out" "$log"; exit 1; }
kill "$gui"; wait "$gui" || true
# The face worker loads its models in the background; faces verify-pairs above already proved
# they load from the bundle, so a busy machine that needs longer is only reported.
if grep -q "startup: face models failed" "$log"; then
  echo "FAIL: the face models failed to load"; cat "$log"; exit 1
fi
grep -q "startup: face models ready" "$log" || printf '(face models still loading) '
if grep -q "Traceback" "$log" "$work/gui.out"; then
  echo "FAIL: a traceback"; cat "$work/gui.out"; exit 1
fi
elapsed "$t"

step "landmarks: converted, no dlib .dat"
# The counter reads dlib's 68-point model through its converted arrays (no dlib at start-up);
# the 95 MB original is left out of the bundle.
internal="$bundle/_internal"
[ -f "$internal/desk_app/vision/models/shape_predictor_68_face_landmarks.npz" ] \
  || { echo "FAIL: the converted landmark model is not in the bundle"; exit 1; }
if find "$internal" -name shape_predictor_68_face_landmarks.dat | grep -q .; then
  echo "FAIL: dlib's 68-point .dat is in the bundle"; exit 1
fi
echo ok

step "diagnose"; t=$(date +%s.%N)
run "$app" diagnose --db "$work/demo.db" --camera generated --out "$work/support.zip" \
  >"$work/diagnose.out" 2>&1
[ "$(stat -c %a "$work/support.zip")" = 600 ]; elapsed "$t"

echo "smoke: bundle $(du -sh "$bundle" | cut -f1) at $bundle: all steps passed"
