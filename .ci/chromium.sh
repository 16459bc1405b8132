#!/usr/bin/env bash
# Debian's Chromium for the report tests (headless, driven through playwright with
# executable_path=/usr/bin/chromium). Installed only when missing (apt-get update only then).
# A failure to install is reported and not fatal: the browser tests then skip, saying why.
set -uo pipefail

log() { echo "chromium.sh: $*" >&2; }

if [ -x /usr/bin/chromium ]; then
    exit 0
fi
if [ "$(id -u)" != 0 ]; then
    log "no /usr/bin/chromium and not root: the browser tests will skip"
    exit 0
fi
log "installing chromium"
export DEBIAN_FRONTEND=noninteractive
if ! apt-cache show chromium >/dev/null 2>&1; then
    apt-get update -qq >&2
fi
# stale package lists fail to download: refresh them once and try again
apt-get install -y -qq chromium >&2 || { apt-get update -qq >&2 && apt-get install -y -qq chromium >&2; } \
    || log "could not install chromium: the browser tests will skip"
exit 0
