#!/usr/bin/env bash
# 命令一：安装 docgen，校验 samples/ 中的全部项目，并把每个项目的计算结果写到 out/计算结果/。
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/setup.sh"
cd "$ROOT"
echo "== 校验 samples/ =="
docgen check samples/
echo "== 计算每个项目（结果写入 out/计算结果/）=="
mkdir -p out/计算结果
find samples -path samples/invalid -prune -o \( -name '*.yaml' ! -name docgen.yaml \) -print | sort | while read -r f; do
  name="$(basename "$f" .yaml)"
  docgen compute "$f" --json > "out/计算结果/$name.json.tmp" 2>/dev/null
  mv "out/计算结果/$name.json.tmp" "out/计算结果/$name.json"
  echo "  $f → out/计算结果/$name.json"
done
echo "== 示例项目的计算结果 =="
docgen compute samples/example-project.yaml
