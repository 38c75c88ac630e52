#!/usr/bin/env bash
# Installs what the browser test (BrowserPageTest) needs: Debian's headless-capable Chromium.
# Idempotent: does nothing when chromium is already on the PATH. Needs root (or sudo) and apt.
set -euo pipefail
if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium
command -v chromium >/dev/null
