#!/usr/bin/env bash
# Installs Debian's chromium for the report browser tests (test/reports/). Idempotent: does nothing when a
# chromium binary is already on PATH. Needs root (apt-get); CI runs it before the tests.
set -euo pipefail

if command -v chromium >/dev/null 2>&1; then
  echo "chromium already installed: $(chromium --version 2>/dev/null || echo unknown version)"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
    echo "install-chromium: need root (or sudo) to apt-get install chromium" >&2
    exit 1
  fi
else
  SUDO=
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# fonts-liberation gives the rendered charts readable text in headless screenshots.
$SUDO apt-get install -y -q --no-install-recommends chromium fonts-liberation
chromium --version
