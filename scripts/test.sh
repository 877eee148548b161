#!/usr/bin/env bash
# The whole suite, from a fresh clone: dependencies, build, type check, unit tests (plain Node),
# then end-to-end tests in a real VS Code (code-server + chromium). Ends with "tests: N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."
export ONNXRUNTIME_NODE_INSTALL=skip
started=$(date +%s)
fail() { echo "test.sh: $*" >&2; echo "tests: 0 passed, 1 failed"; exit 1; }

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "== npm ci"
  npm ci --no-audit --no-fund --loglevel=error || fail "npm ci failed"
fi
echo "== e2e tools (chromium, code-server)"
bash scripts/setup-e2e-tools.sh || fail "could not install the e2e tools"
echo "== build + type check"
npm run --silent build || fail "build failed"
npm run --silent typecheck || fail "type check failed"
npx tsc -p tsconfig.test.json || fail "compiling the tests failed"

log=$(mktemp)
echo "== unit tests (mocha, plain Node)"
npx mocha --config .mocharc.json 2>&1 | tee "$log"
unit_rc=${PIPESTATUS[0]}
echo "== end-to-end tests (real VS Code)"
node out/test/e2e/runInCodeServer.js 2>&1 | tee -a "$log"
e2e_rc=${PIPESTATUS[0]}

# Mocha's "N passing"/"N failing" (unit + extension host) plus the UI checks' ✔/✘ lines.
sum() { grep -oE "^\s*[0-9]+ $1" "$log" | awk '{ s += $1 } END { print s + 0 }'; }
passed=$(sum passing)
failed=$(sum failing)
ui_pass=$(grep -cE '^  ✔ ' "$log")
ui_fail=$(grep -cE '^  ✘ ' "$log")
passed=$(( ${passed:-0} + ui_pass )); failed=$(( ${failed:-0} + ui_fail ))
if [ "$unit_rc" != 0 ] || [ "$e2e_rc" != 0 ]; then [ "$failed" -gt 0 ] || failed=1; fi
echo "== done in $(( $(date +%s) - started )) s"
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
