#!/usr/bin/env bash
# Installs the Debian bookworm packages that handout needs to build, run and test (clang-14 and
# libfuzzer-14-dev: the fuzz harnesses, scripts/fuzz.sh;
# python3-aiosmtpd: the SMTP server the sending tests start on 127.0.0.1; libhpdf-dev: the haru engine;
# festlex-cmu: the CMU Pronouncing Dictionary, compiled in for English syllables).
# Safe to run again; needs root (or sudo).
set -euo pipefail
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
  build-essential cmake pkg-config ninja-build \
  libpango1.0-dev libcairo2-dev libharfbuzz-dev libfontconfig-dev libfreetype-dev \
  libqpdf-dev qpdf libmd4c-dev libtomlplusplus-dev libyaml-cpp-dev nlohmann-json3-dev libcli11-dev \
  libhyphen-dev hyphen-en-us hyphen-es librsvg2-dev libpng-dev libjpeg-dev libdeflate-dev \
  fonts-noto-core fonts-noto-cjk \
  doctest-dev libpoppler-glib-dev poppler-utils mupdf-tools ghostscript \
  libgmime-3.0-dev libcurl4-openssl-dev python3-aiosmtpd openssl ca-certificates libhpdf-dev festlex-cmu \
  clang-14 libfuzzer-14-dev \
  >/dev/null
