#!/usr/bin/env bash
# Try AI Lab: builds the VSIX, installs it into a private code-server (a real VS Code 1.100 in the
# browser) and opens a demo workspace whose settings point every task at the bundled demo models
# (no network needed). AI_LAB_DEMO_GPU=rtx5080|h100|two-gpus|wsl|driver-failure|hang
# shows a recorded GPU on a machine without one (default: the real nvidia-smi, if any).
set -euo pipefail
cd "$(dirname "$0")/.."
export ONNXRUNTIME_NODE_INSTALL=skip
PORT=${PORT:-8080}
[ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error
bash scripts/setup-e2e-tools.sh
npm run --silent package >/dev/null
state=${AI_LAB_DEMO_DIR:-$HOME/.ai-lab-demo}
mkdir -p "$state/ud/User" "$state/ext"
# The demo workspace: demo/workspace (README, sample text, settings) plus the bundled demo models
# (test/fixtures/models written as demo-models/<name>) and a 12-page sample PDF, made here, offline.
npm run --silent demo:workspace -- "$state/workspace"
CS=.tools/e2e/node_modules/.bin/code-server
"$CS" --user-data-dir "$state/ud" --extensions-dir "$state/ext" --force --install-extension dist-vsix/ai-lab-linux-x64.vsix >/dev/null
if [ -n "${AI_LAB_DEMO_GPU:-}" ]; then
  export AI_LAB_NVIDIA_SMI="$PWD/test/fixtures/nvidia-smi/$AI_LAB_DEMO_GPU/nvidia-smi"
  [ -x "$AI_LAB_NVIDIA_SMI" ] || { echo "demo: no recorded GPU named $AI_LAB_DEMO_GPU (see test/fixtures/nvidia-smi)" >&2; exit 2; }
fi
echo "AI Lab demo: open http://127.0.0.1:$PORT/?folder=$state/workspace  (Ctrl+C to stop)"
exec "$CS" --bind-addr "127.0.0.1:$PORT" --auth none --disable-telemetry --disable-update-check \
  --disable-workspace-trust --user-data-dir "$state/ud" --extensions-dir "$state/ext" "$state/workspace"
