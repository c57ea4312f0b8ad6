#!/usr/bin/env bash
# Smoke test of the real terminal UI in tmux: demo DB, keys sent, pane text checked.
# Run from the repo root: bash tests/tui_smoke.sh   (needs tmux; exits non-zero on failure)
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
QUALIFY="${QUALIFY_BIN:-$ROOT/.venv/bin/qualify}"
WORK="$(mktemp -d)"
DB="$WORK/smoke.db"
SESSION="qualify-smoke-$$"
export QUALIFY_USE_MODEL=0 HF_HUB_OFFLINE=1

cleanup() {
  tmux kill-session -t "$SESSION" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

command -v tmux >/dev/null || { echo "SKIP: tmux is not installed"; exit 0; }

"$QUALIFY" --db "$DB" demo >/dev/null 2>&1

pane() { tmux capture-pane -p -t "$SESSION"; }

# key KEYS...: send keys, then give the app a moment (a lone Escape is only known as a key
# after a short delay, so keys sent right after it would merge into one sequence).
key() { tmux send-keys -t "$SESSION" "$@"; sleep 0.4; }

# wait_for TEXT [SECONDS]: poll the pane until TEXT shows up.
wait_for() {
  local text="$1" limit="${2:-15}" waited=0
  while ! pane | grep -qF -- "$text"; do
    sleep 0.25
    waited=$((waited + 1))
    if [ "$waited" -ge $((limit * 4)) ]; then
      echo "FAIL: '$text' did not appear; the pane was:"
      pane
      exit 1
    fi
  done
  echo "ok: $text"
}

# wait_gone TEXT: poll until TEXT has left the pane.
wait_gone() {
  local waited=0
  while pane | grep -qF -- "$1"; do
    sleep 0.25
    waited=$((waited + 1))
    if [ "$waited" -ge 40 ]; then echo "FAIL: '$1' did not go away"; pane; exit 1; fi
  done
  echo "ok: gone: $1"
}

tmux new-session -d -s "$SESSION" -x 100 -y 30 "'$QUALIFY' --db '$DB'; echo QUALIFY-EXITED \$?; sleep 30"

wait_for "northwind-freight"            # pipeline painted
wait_for "6 of 6 leads"
key h a l c y o n
wait_for "1 of 6 leads"                 # typing filters
key Enter
wait_for "next action"                  # lead screen: summary and gauge
wait_for "stakeholder"
key v
wait_for "Dimension"                    # evidence tab
key Escape
wait_for "1 of 6 leads"                 # back on the pipeline, filter kept
key C-n
wait_for "Speakers"                     # paste screen
key Escape
key F1
wait_for "Everywhere"                   # help lists the keys
key Escape
wait_gone "Everywhere"                  # help closed
tmux resize-window -t "$SESSION" -x 70 -y 20
wait_for "needs at least 80x24"         # too small: a message, no crash
tmux resize-window -t "$SESSION" -x 100 -y 30
wait_for "1 of 6 leads"                 # and back, with the state intact
key C-q
wait_for "QUALIFY-EXITED 0"             # clean exit
echo "PASS: tui smoke"
