#!/usr/bin/env bash
# Writes the sample handouts into samples/ with the given handout binary (default build/handout).
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-build/handout}"
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-1793491200}"  # 2026-11-01: the same bytes on every machine
for layout in letter a4 large-print; do
  "$bin" render content/ketamine-infusion.md -l "layouts/$layout.toml" -o "samples/ketamine-infusion-$layout.pdf"
  "$bin" render content/ketamine-consent.md -l "layouts/$layout.toml" --data samples/patient.json \
    -o "samples/ketamine-consent-$layout.pdf"
done
for layout in letter a4 large-print; do
  "$bin" render content/language-assistance.md -l "layouts/$layout.toml" -o "samples/language-assistance-$layout.pdf"
  "$bin" render content/ketamine-infusion.es.md -l "layouts/$layout.toml" -o "samples/ketamine-infusion-es-$layout.pdf"
  "$bin" render content/ketamine-consent.es.md -l "layouts/$layout.toml" --data samples/patient-es.json \
    -o "samples/ketamine-consent-es-$layout.pdf"
done
"$bin" render content/ketamine-infusion.md -l layouts/letter.toml --format png --dpi 70 -o samples/preview/ketamine-infusion
# Two sheets from the libharu engine (README, "PDF engines"), to set beside the default's.
mkdir -p samples/haru
"$bin" render content/ketamine-infusion.md -l layouts/letter.toml --engine haru -o samples/haru/ketamine-infusion-letter.pdf
"$bin" render content/ketamine-consent.es.md -l layouts/letter.toml --data samples/patient-es.json --engine haru \
  -o samples/haru/ketamine-consent-es-letter.pdf
# A sample outbox (README, "Sending to patients"): one message per row of samples/patients.csv,
# each with its consent sheet protected by the patient's date of birth as DDMMYYYY, and the
# Spanish message for Spanish rows. Not committed (.gitignore): every run encrypts with fresh
# random keys. Send it to a test server with `handout send samples/outbox --smtp …`.
rm -rf samples/outbox out/sample-delivery
"$bin" batch samples/patients.csv -c content/ketamine-consent.md --out out/sample-delivery --quiet \
  --protect --password '{{patient.dob|DDMMYYYY}}' --keep-unprotected out/sample-delivery/clinic-copies \
  --email-template samples/email/consent.eml.txt --outbox samples/outbox
printf '%-45s %6s messages\n' samples/outbox/ "$(ls samples/outbox/*.eml | wc -l)"
for f in samples/*.pdf samples/haru/*.pdf; do
  printf '%-45s %6s bytes  %s pages\n' "$f" "$(stat -c %s "$f")" "$(pdfinfo "$f" | awk '/^Pages:/ {print $2}')"
done
