#!/usr/bin/env bash
# Installs what the Redis Cluster, Sentinel and TLS tests need: Debian's redis-server 7 (cluster,
# sentinel and TLS built in; the embedded-redis fallback bundles 6.2 without TLS) and the openssl
# command that makes the TLS tests' certificates. Idempotent: does nothing when both are on the PATH
# and redis-server is 7 or newer. Needs root (or sudo) and apt.
set -euo pipefail
redis_ok() {
  command -v redis-server >/dev/null 2>&1 \
    && [ "$(redis-server --version | sed -n 's/.* v=\([0-9]*\)\..*/\1/p')" -ge 7 ]
}
if redis_ok && command -v openssl >/dev/null 2>&1; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# The tests start their own servers on free ports; a packaged service on 6379, if any, is not used.
$SUDO apt-get install -y -qq --no-install-recommends redis-server openssl
if ! redis_ok; then
  echo "the Redis Cluster / Sentinel / TLS tests need redis-server 7 or newer; apt installed: $(redis-server --version)" >&2
  exit 1
fi
