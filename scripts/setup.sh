#!/usr/bin/env bash
# Set up a fresh machine: Debian packages (Chromium for static charts and browser tests, fonts, poppler),
# uv from PyPI, then the locked Python environment. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v pdfinfo >/dev/null 2>&1 || need_apt+=(poppler-utils)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need_apt+=(fonts-dejavu-core)
# the PDF's typeface (Inter, SIL Open Font License: full French glyphs, narrow no-break space)
[ -e /usr/share/fonts/opentype/inter/Inter-Regular.otf ] || need_apt+=(fonts-inter)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null; } ||
      echo "setup: apt-get could not install ${need_apt[*]}: browser tests will be skipped, the PDF drawn without maps" >&2
  else
    echo "setup: optional packages missing (${need_apt[*]}): the PDF's charts and the browser tests need them" >&2
  fi
fi

command -v uv >/dev/null 2>&1 || python3 -m pip install --quiet uv
if command -v uv >/dev/null 2>&1; then uv sync --frozen; else python3 -m uv sync --frozen; fi
