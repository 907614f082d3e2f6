#!/usr/bin/env bash
# 命令二：安装 docgen 及测试工具和 PDF 组件（以 root 运行时也安装 LibreOffice、中文字体和 pango），运行代码检查（ruff）和全部测试（pytest）。
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/scripts/system-packages.sh"
source "$ROOT/scripts/setup.sh" test,pdf,web,cluster
cd "$ROOT"
ruff check docgen tests bench tools
python -m pytest tests -p no:cacheprovider -n auto
