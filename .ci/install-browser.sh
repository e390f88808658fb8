#!/usr/bin/env bash
# Browser dependencies for the `browser` tests (tests/test_app_browser.py): Debian's Chromium
# (driven by the Python `playwright` package through executable_path=/usr/bin/chromium; never
# `playwright install`, the CI machine has no internet beyond the package mirror), chromedriver,
# and fonts with full Vietnamese coverage so screenshots render diacritics.
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
else
  SUDO=""
fi

export DEBIAN_FRONTEND=noninteractive
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] && fc-list 2>/dev/null | grep -qi "Noto Sans"; then
  echo "install-browser: chromium, chromedriver and fonts already present"
else
  $SUDO apt-get update
  $SUDO apt-get install -y --no-install-recommends \
    chromium chromium-driver \
    fonts-noto-core fonts-dejavu-core fontconfig
fi
/usr/bin/chromium --version || true
