#!/usr/bin/env bash
# Smoke-test a built bundle: packaging/smoke.sh [dist/Deedbook]
#
# Runs the bundled executable the way a user would, on a throwaway data folder:
# --version, a demo ledger, verify (also with worker processes), the documents
# (pdf + verify-pdf), a valuation, and the GUI offscreen (--smoke, --screenshots) and,
# when xvfb-run is installed, on X11.
# A step runs only if its command exists in this build (read from `Deedbook --help`),
# so the script passes while the app grows, and fails as soon as a command that
# exists breaks.  Any Python traceback in any output is a failure too.
#
#   SMOKE_QUICK=1       skip the slow steps (8,200-deed ledger for verify workers, screenshots)
#   SMOKE_KEEP=DIR      keep the data folder, screenshots and PDFs in DIR
set -uo pipefail

BUNDLE="${1:-dist/Deedbook}"
EXE="$BUNDLE/Deedbook"
[ -x "$EXE" ] || EXE="$BUNDLE/Deedbook.exe"
if [ ! -x "$EXE" ]; then
  echo "smoke: no executable in $BUNDLE (build it with: python3 dev.py bundle)" >&2
  exit 2
fi
HERE="$(cd "$(dirname "$0")" && pwd)"
WORK="${SMOKE_KEEP:-$(mktemp -d "${TMPDIR:-/tmp}/deedbook-smoke.XXXXXX")}"
mkdir -p "$WORK"
[ -n "${SMOKE_KEEP:-}" ] || trap 'rm -rf "$WORK"' EXIT
export DEEDBOOK_HOME="$WORK/data"
export QT_QPA_PLATFORM=offscreen
unset PYTHONPATH PYTHONHOME  # the bundle must not lean on a Python installation

failures=0
passed=0
skipped=()

# run NAME EXPECTED_RC CMD... : run a step, show its time, check exit code and output.
run() {
  local name="$1" expected="$2"
  shift 2
  local log="$WORK/log.txt" start end rc
  start=$(date +%s.%N)
  "$@" >"$log" 2>&1
  rc=$?
  end=$(date +%s.%N)
  local seconds
  seconds=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')
  if [ "$rc" -ne "$expected" ] || grep -q "Traceback (most recent call last)" "$log"; then
    echo "FAIL  $name  (exit $rc, expected $expected, ${seconds}s)"
    sed 's/^/      | /' "$log" | tail -25
    failures=$((failures + 1))
    return 1
  fi
  echo "ok    $name  (${seconds}s)"
  passed=$((passed + 1))
  return 0
}

has() { [[ " $COMMANDS " == *" $1 "* ]]; }
skip() { skipped+=("$1"); echo "skip  $1"; }

echo "smoke: $EXE (data in $DEEDBOOK_HOME)"

# --- the executable itself ---------------------------------------------------------
run "--version" 0 "$EXE" --version
grep -q "^Deedbook [0-9]" "$WORK/log.txt" || { echo "FAIL  --version printed: $(cat "$WORK/log.txt")"; failures=$((failures + 1)); }
run "--help" 0 "$EXE" --help
# Command names: the indented first words of the help's COMMAND section.
COMMANDS=$(awk '/^positional arguments:/ {on=1; next} /^options:/ {on=0} on && /^    [a-z]/ {print $1}' "$WORK/log.txt" | tr '\n' ' ')
echo "      commands: $COMMANDS"
for command in $COMMANDS; do
  run "$command --help" 0 "$EXE" "$command" --help || true
done

# --- ledger ----------------------------------------------------------------------------
if has demo; then
  run "demo --deeds 20 --transfers 5" 0 "$EXE" demo --deeds 20 --transfers 5
else
  skip "demo (not in this build)"
fi
if has verify; then
  run "verify" 0 "$EXE" verify
  run "verify on a missing ledger exits 2" 2 "$EXE" --data-dir "$WORK/no-ledger-here" verify
  if [ -z "${SMOKE_QUICK:-}" ] && has demo; then
    # Above 4 chunks of entries verify starts worker processes (spawned: they re-enter
    # this executable through freeze_support), so this needs a bigger ledger.
    run "demo --deeds 8200 (for verify workers)" 0 "$EXE" --data-dir "$WORK/big" demo --deeds 8200
    run "verify --jobs 2 (worker processes)" 0 "$EXE" --data-dir "$WORK/big" verify --jobs 2
  fi
else
  skip "verify (not in this build)"
fi
if has deed; then
  run "deed list" 0 "$EXE" deed list
  run "deed history 1" 0 "$EXE" deed history 1
fi
if has proof && has verify-proof; then
  run "proof 1" 0 "$EXE" proof 1 --out "$WORK/proof-1.json"
  run "verify-proof" 0 "$EXE" verify-proof "$WORK/proof-1.json"
fi

# --- documents ---------------------------------------------------------------------
if has pdf && has verify-pdf; then
  # The demo's operator key signs a checkpoint if none covers the deed yet.
  echo "deedbook-demo" >"$WORK/password"
  run "pdf title 1" 0 "$EXE" pdf title 1 --out "$WORK/title-1.pdf" \
    --checkpoint-key demo-operator --password-file "$WORK/password"
  run "verify-pdf (genuine)" 0 "$EXE" verify-pdf "$WORK/title-1.pdf"
  grep -q "GENUINE" "$WORK/log.txt" || { echo "FAIL  verify-pdf did not say GENUINE"; failures=$((failures + 1)); }
  run "verify-pdf on a non-PDF exits 2" 2 "$EXE" verify-pdf "$0"
elif has verify-pdf; then
  run "verify-pdf on a non-PDF exits 2" 2 "$EXE" verify-pdf "$0"
else
  skip "pdf/verify-pdf (not in this build)"
fi

# --- requests as QR codes (zxing-cpp and Pillow are carried) -----------------------------
if has qr && has transfer && has key; then
  buyer=$("$EXE" key list | awk '$1 == "demo-notary" {print $2}')
  seller=$("$EXE" deed show 1 --json | grep -o '"address": "0x[0-9a-fA-F]\{40\}"' | head -1 | grep -o '0x[0-9a-fA-F]*')
  run "transfer prepare 1" 0 "$EXE" transfer prepare 1 --from "$seller" --to "$buyer" --price 250000 \
    --out-dir "$WORK/requests"
  request=$(find "$WORK/requests" -name "*-buyer.json" | head -1)
  run "qr encode" 0 "$EXE" qr encode "$request" --out-dir "$WORK/qr"
  run "qr decode (zxing-cpp)" 0 "$EXE" qr decode "$WORK"/qr/*-qr-*.png --out "$WORK/request-back.json"
  cmp -s "$request" "$WORK/request-back.json" || { echo "FAIL  qr decode did not give the request back"; failures=$((failures + 1)); }
else
  skip "qr (not in this build)"
fi

# --- valuation (scikit-learn's hidden imports show up here) -----------------------------
if has valuation; then
  run "valuation train --quick" 0 "$EXE" valuation train --quick
  run "valuation card" 0 "$EXE" valuation card
  if has value; then
    run "value 1" 0 "$EXE" value 1
  fi
  if [ -z "${SMOKE_QUICK:-}" ]; then
    run "valuation evaluate --quick --folds 2" 0 "$EXE" valuation evaluate --quick --folds 2
  fi
else
  skip "valuation (not in this build)"
fi

# --- the GUI, offscreen ----------------------------------------------------------------
if has gui; then
  run "gui --smoke" 0 "$EXE" gui --smoke
  if command -v xvfb-run >/dev/null 2>&1; then
    # The X11 platform plugin and the libraries it loads, on a virtual display.
    run "gui --smoke on X11 (xvfb)" 0 env QT_QPA_PLATFORM=xcb \
      xvfb-run -a -s "-screen 0 1440x900x24" "$EXE" gui --smoke
  else
    skip "gui on X11 (no xvfb-run)"
  fi
  if [ -z "${SMOKE_QUICK:-}" ] && "$EXE" gui --help 2>/dev/null | grep -q -- "--screenshots"; then
    run "gui --screenshots" 0 "$EXE" gui --screenshots "$WORK/shots"
    shots=$(find "$WORK/shots" -name "*.png" -size +1k 2>/dev/null | wc -l)
    if [ "$shots" -eq 0 ]; then
      echo "FAIL  gui --screenshots saved no PNG"
      failures=$((failures + 1))
    else
      echo "      $shots screenshots in $WORK/shots"
    fi
  fi
else
  skip "gui (not in this build)"
fi

# --- libraries (Linux): nothing dropped that something still links to -----------------
PY="${PYTHON:-}"
[ -n "$PY" ] || { [ -x "$HERE/../.venv/bin/python" ] && PY="$HERE/../.venv/bin/python"; }
if [ -n "$PY" ] && [ "$(uname -s)" = Linux ]; then
  run "shared libraries resolve" 0 "$PY" "$HERE/check_libs.py" "$BUNDLE"
fi

echo "smoke: $passed passed, $failures failed${skipped[*]:+, skipped: ${skipped[*]}}"
[ "$failures" -eq 0 ]
