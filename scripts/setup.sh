#!/usr/bin/env bash
# 建立 .venv 并安装 docgen（可重复运行）。用法：source scripts/setup.sh [额外组件，如 test]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PY="${PYTHON:-python3}"
if [ ! -x "$ROOT/.venv/bin/python" ]; then
  "$PY" -m venv "$ROOT/.venv"
fi
EXTRAS="${1:-}"
SPEC="$ROOT"
[ -n "$EXTRAS" ] && SPEC="$ROOT[$EXTRAS]"
"$ROOT/.venv/bin/python" -m pip install --quiet --disable-pip-version-check -e "$SPEC"
export PATH="$ROOT/.venv/bin:$PATH"
