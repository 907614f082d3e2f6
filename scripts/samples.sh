#!/usr/bin/env bash
# 命令一：安装 docgen，校验 samples/ 中的全部示例项目，生成每个项目的全部表单（Word 和 Excel）、
# 报告（Word；装有 PDF 组件时表单和报告另有 PDF）以及汇总表，写入 out/表单/（再次运行时只重新生成有变化的文件）；每个项目的计算结果写入 out/计算结果/；
# 审核台账写入 out/审核台账.xlsx，Excel 填报工作簿示例写入 out/填报工作簿示例.xlsx。
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/scripts/system-packages.sh" pdf  # as root: pango, a Chinese font; otherwise the apt-get line to run
source "$ROOT/scripts/setup.sh" pdf,web  # the PDF extra: PDFs are made when pango and a Chinese font are installed
cd "$ROOT"
echo "== 校验 samples/ =="
docgen check samples/
echo "== 生成表单（写入 out/表单/主管部门/项目名称/；汇总表在 out/表单/汇总/）=="
docgen build samples/ -o out/表单
echo "== 计算结果（写入 out/计算结果/）=="
docgen compute samples/ -o out/计算结果 2>/dev/null
echo "== 审核台账（写入 out/审核台账.xlsx）=="
docgen review samples/ -o out/审核台账.xlsx
echo "== Excel 填报工作簿示例（由 samples/example-project.yaml 预先填好，写入 out/填报工作簿示例.xlsx）=="
docgen intake new --from samples/example-project.yaml -o out/填报工作簿示例.xlsx --force
echo "共生成 $(find out/表单 -name '*.docx' | wc -l) 份 Word 文件、$(find out/表单 -name '*.xlsx' | wc -l) 份 Excel 文件、$(find out/表单 -name '*.pdf' | wc -l) 份 PDF 文件，见 out/表单/。"
