#!/usr/bin/env bash
# 安装转换测试和 PDF 需要的系统软件（Debian/Ubuntu，需要 root）：LibreOffice（无界面版）、
# 中文字体 fonts-noto-cjk、poppler-utils（pdftotext/pdftoppm）、libharfbuzz-subset0 和 pango（WeasyPrint 用），
# 以及公文用的仿宋、楷体：FandolFang、FandolKai（GPL 加字体例外，取自 Debian 的 texlive-lang-chinese，
# 只解出这两个字体文件，放在 /usr/local/share/fonts/fandol），以及工作台浏览器测试用的 chromium 和
# chromium-driver。已安装时什么也不做。
# 用法：bash scripts/system-packages.sh [pdf]——加 pdf 时只装生成 PDF 所需的（pango、中文字体；命令一用）。
set -euo pipefail
need=()
if [ "${1:-}" != "pdf" ]; then
  command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui libreoffice-calc-nogui)
  command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
fi
fc-list 2>/dev/null | grep -i "Noto Serif CJK" >/dev/null || need+=(fonts-noto-cjk)
fc-list 2>/dev/null | grep -i "DejaVu Sans" >/dev/null || need+=(fonts-dejavu-core)  # a Latin face the PDF tests draw
if [ "${1:-}" != "pdf" ]; then
  # the web desk's browser test: Debian's headless Chromium and its driver (no browser is ever downloaded)
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
fi
# WeasyPrint (PDF): pango, and harfbuzz's subsetter (without it font subsetting takes seconds per PDF)
have_lib() { ldconfig -p 2>/dev/null | grep -q "$1"; }
have_lib "libpango-1.0.so.0" || need+=(libpango-1.0-0)
have_lib "libpangoft2-1.0.so.0" || need+=(libpangoft2-1.0-0)
have_lib "libharfbuzz-subset.so.0" || need+=(libharfbuzz-subset0)
fandol=1
fc-list 2>/dev/null | grep -q "FandolFang" && fc-list 2>/dev/null | grep -q "FandolKai" && fandol=0
if [ ${#need[@]} -eq 0 ] && [ $fandol -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  if [ ${#need[@]} -gt 0 ]; then
    echo "提示：缺少系统软件 ${need[*]}（生成 PDF 和有关测试需要；未安装时不生成 PDF、有关测试跳过）。请管理员运行：" >&2
    echo "  sudo apt-get install -y --no-install-recommends ${need[*]}" >&2
  fi
  [ $fandol -eq 1 ] && echo "提示：缺少公文字体 FandolFang/FandolKai（仿宋/楷体），报告 PDF 将用宋体代替。" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
if [ ${#need[@]} -gt 0 ]; then
  echo "安装系统软件：${need[*]}（约需几分钟）"
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
if [ $fandol -eq 1 ]; then
  # the whole texlive-lang-chinese (and its TeX dependencies) is not needed: download the package and unpack the
  # two faces only (about 15 MB)
  echo "安装公文字体 FandolFang、FandolKai（仿宋、楷体）"
  tmp="$(mktemp -d)"
  (cd "$tmp" && apt-get download -qq texlive-lang-chinese >/dev/null 2>&1)
  dpkg-deb --fsys-tarfile "$tmp"/texlive-lang-chinese_*.deb | tar -x -C "$tmp" --wildcards \
    './usr/share/texlive/texmf-dist/fonts/opentype/public/fandol/Fandol[FK]a*-Regular.otf' \
    './usr/share/doc/texlive-doc/fonts/fandol/*'
  mkdir -p /usr/local/share/fonts/fandol
  cp "$tmp"/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol/*.otf \
     "$tmp"/usr/share/doc/texlive-doc/fonts/fandol/* /usr/local/share/fonts/fandol/
  rm -rf "$tmp"
  fc-cache -f /usr/local/share/fonts/fandol >/dev/null
fi
