#!/usr/bin/env bash
# Browser tests drive Debian's chromium through Playwright (never a browser downloaded
# by a test tool). Install it when missing; needs root (as on CI and dev machines here).
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" != "0" ]; then
  echo "chromium is missing and this is not root: run 'sudo apt-get install -y chromium'" >&2
  exit 1
fi
echo "Installing Debian chromium for the browser tests..."
apt-get update -q >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null
chromium --version
