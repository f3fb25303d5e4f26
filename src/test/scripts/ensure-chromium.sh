#!/usr/bin/env bash
# Makes sure Debian's headless-capable Chromium and its WebDriver are installed, for the browser
# tests of the dashboard (io.taskq.ui.*). Run by Maven before the tests (process-test-classes, see
# pom.xml) and by hand if you like. Installs the packages `chromium` and `chromium-driver` with
# apt-get when /usr/bin/chromium or /usr/bin/chromedriver is missing (through sudo when not root),
# running `apt-get update` first when the first try fails. Exits non-zero when they cannot be had:
# the browser tests must run, never be skipped.
set -euo pipefail

browser=${TASKQ_CHROMIUM:-/usr/bin/chromium}
driver=${TASKQ_CHROMEDRIVER:-/usr/bin/chromedriver}

if [[ -x "$browser" && -x "$driver" ]]; then
  exit 0
fi

echo "ensure-chromium: $browser or $driver is missing; installing Debian's chromium and chromium-driver" >&2
if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: apt-get is not available; install Chromium and chromedriver, and point" \
       "TASKQ_CHROMIUM and TASKQ_CHROMEDRIVER at them" >&2
  exit 1
fi

sudo=()
if [[ $(id -u) -ne 0 ]]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "ensure-chromium: not root and no sudo: cannot install chromium and chromium-driver" >&2
    exit 1
  fi
  sudo=(sudo -n)
fi

export DEBIAN_FRONTEND=noninteractive
# A fresh machine may be running its own apt (unattended upgrades): wait for its lock, up to 5 minutes.
apt=(apt-get -q -o DPkg::Lock::Timeout=300)
install_chromium() {
  "${sudo[@]}" "${apt[@]}" install -y --no-install-recommends chromium chromium-driver
}
# Quiet on success (its output would bury Maven's); shown when it fails.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! install_chromium >"$log" 2>&1; then
  echo "ensure-chromium: install failed; running apt-get update and trying again" >&2
  if ! { "${sudo[@]}" "${apt[@]}" update && install_chromium; } >"$log" 2>&1; then
    cat "$log" >&2
    echo "ensure-chromium: could not install chromium and chromium-driver" >&2
    exit 1
  fi
fi

if [[ ! -x "$browser" || ! -x "$driver" ]]; then
  echo "ensure-chromium: installed, but $browser or $driver is still missing" >&2
  exit 1
fi
echo "ensure-chromium: $("$browser" --version 2>/dev/null || echo chromium) and $("$driver" --version 2>/dev/null | head -1) installed" >&2
