#!/usr/bin/env bash
# Installs what Tunesmith needs to build, test and run on Debian 12, when missing.
# Idempotent: with everything present it changes nothing and needs no network.
#   installer/deps.sh          build + run + test dependencies
#   TUNESMITH_DEPS_QUIET=1     no output when nothing is missing
set -euo pipefail

PACKAGES=(
  # toolchain
  build-essential cmake ninja-build pkg-config dpkg-dev file
  # engine
  nlohmann-json3-dev libsimdjson-dev libutf8proc-dev libpcre2-dev
  libtorch-dev libopenblas0-pthread
  # GUI (Qt Charts needs the OpenGL and xkbcommon headers to configure)
  qt6-base-dev qt6-charts-dev libqt6opengl6-dev libxkbcommon-dev libgl-dev
  # cloud: the API key in the OS keychain (optional at build time)
  qtkeychain-qt6-dev
  # tests and screenshots
  catch2 xvfb xauth
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
# The parity tests run the Hugging Face reference implementations on node and python3;
# accept them from wherever they come (nodesource, pyenv) and install Debian's otherwise.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if ! command -v python3 >/dev/null 2>&1; then
  missing+=(python3 python3-jinja2)
elif ! python3 -c 'import jinja2' >/dev/null 2>&1; then
  missing+=(python3-jinja2)
fi

if [ ${#missing[@]} -eq 0 ]; then
  [ "${TUNESMITH_DEPS_QUIET:-0}" = 1 ] || echo "deps: all packages present" >&2
  exit 0
fi

echo "deps: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
