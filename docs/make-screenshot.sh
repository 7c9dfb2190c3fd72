#!/usr/bin/env bash
# Regenerates docs/images/compare-report.png, the README's picture of the report: the default
# `resamplers compare` run, photographed by headless Chromium, reduced to 256 colours.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
.venv/bin/resamplers compare --out "$work/report" >/dev/null
# the network flags keep Chromium from waiting on connections that a closed network refuses
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --hide-scrollbars --user-data-dir="$work/profile" --window-size=1280,1400 \
    --screenshot="$work/shot.png" "file://$work/report/index.html" 2>/dev/null
.venv/bin/python -c "
import sys
from PIL import Image
Image.open(sys.argv[1]).convert('RGB').quantize(256, dither=Image.Dither.NONE).save(
    sys.argv[2], optimize=True)
" "$work/shot.png" docs/images/compare-report.png
ls -l docs/images/compare-report.png
