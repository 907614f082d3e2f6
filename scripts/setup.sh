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
# nothing to install when pyproject.toml and the extras are what the last run installed (the package itself is
# installed in editable mode: a change to its code needs no reinstall)
STAMP="$ROOT/.venv/.docgen-installed-${EXTRAS//,/-}"
WANT="$(sha256sum < "$ROOT/pyproject.toml" | cut -c1-16)"
if [ "$(cat "$STAMP" 2>/dev/null)" != "$WANT" ] || ! "$ROOT/.venv/bin/python" -c "import docgen" 2>/dev/null; then
  # pip's notes about this machine's package mirrors are not the user's concern: keep only real errors
  "$ROOT/.venv/bin/python" -m pip install --quiet --disable-pip-version-check -e "$SPEC" 2>&1 \
    | { grep -v -e "^WARNING: Location" -e "is ignored: it is neither" || true; }
  echo "$WANT" > "$STAMP"
fi
# docgen's own modules compiled to bytecode, as pip does for an installed package (an editable install leaves
# it to the first run, and PYTHONDONTWRITEBYTECODE would leave every run to compile them again: ~0.1 s a command)
"$ROOT/.venv/bin/python" -m compileall -q "$ROOT/docgen" > /dev/null || true
export PATH="$ROOT/.venv/bin:$PATH"
