#!/usr/bin/env bash
# Debian's Chromium for the HTML report test (test/cli/report-html.test.ts drives it with
# playwright-core at /usr/bin/chromium). Tests never install system packages: CI runs this
# before `npm test`; locally: `sudo bash .ci/install-chromium.sh` (or the test skips loudly).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  /usr/bin/chromium --version
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends chromium
/usr/bin/chromium --version
