#!/usr/bin/env bash
# Runs the whole test suite on a fresh Debian 12 machine: installs the Debian packages the tests use
# (Fashion-MNIST, plus what .ci/apt-packages.txt lists: Redis, Prometheus, kubectl, docker.io and debootstrap
# for the image test, nftables and iproute2 for the network-namespace tests), then dotnet test.
# This is the README's test command and what CI (.ci/run) runs.
set -euo pipefail
cd "$(dirname "$0")/.."

# Each line of .ci/apt-packages.txt is `package` or `package:command`. With a command, a machine that
# already has it on PATH (from another package, e.g. a newer kubectl) is left alone: installing the
# Debian package over it would fail on the shared file.
entries=(dataset-fashion-mnist)
if [[ -f .ci/apt-packages.txt ]]; then
  while read -r line; do [[ -n "$line" && "$line" != \#* ]] && entries+=("$line"); done < .ci/apt-packages.txt
fi
missing=()
for entry in "${entries[@]}"; do
  pkg=${entry%%:*}; cmd=${entry#*:}
  if [[ "$cmd" != "$entry" ]] && command -v "$cmd" >/dev/null 2>&1; then continue; fi
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if (( ${#missing[@]} > 0 )); then
  echo "installing: ${missing[*]}"
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

log=$(mktemp)
set +e
# One test assembly at a time: the machine has 2 cores and the suites train real networks.
dotnet test OrleansConfusion.sln --blame-hang-timeout 20m -- RunConfiguration.MaxCpuCount=1 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
# The engine suite again under other kernel paths: MKL's conditional reproducibility and ATen's generic and AVX2
# kernels round differently from the default ones. A tolerance that holds only for one CPU's kernels fails here on
# any machine, not only on the CPU where it would break (README, Determinism).
kernel_runs=()
if (( status == 0 )); then
  kernel_log=$(mktemp)
  for kernels in "MKL_CBWR=COMPATIBLE" "ATEN_CPU_CAPABILITY=default" "ATEN_CPU_CAPABILITY=avx2" \
                 "MKL_CBWR=COMPATIBLE ATEN_CPU_CAPABILITY=default"; do
    env $kernels dotnet test tests/OrleansConfusion.Engine.Tests --no-build >"$kernel_log" 2>&1
    kernel_status=$?
    summary=$(grep -E '^(Passed|Failed)!' "$kernel_log" | sed -E 's/ - OrleansConfusion.*//')
    echo "engine tests with ${kernels}: ${summary:-no summary (exit ${kernel_status})}"
    if (( kernel_status != 0 )); then
      grep -E '^\s+Failed |Error Message' -A1 "$kernel_log" | head -40
      status=1
    fi
    kernel_runs+=("${kernels}: exit ${kernel_status}")
  done
  rm -f "$kernel_log"
fi
set -e
passed=$(grep -oE 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -oE 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
echo "tests: ${passed} passed, ${failed} failed"
# The failed tests' names last, where a CI log's tail shows them.
grep -E '^\s+Failed [A-Za-z]' "$log" | sed -E 's/^\s+Failed /failed: /' | sort -u || true
for run in "${kernel_runs[@]}"; do echo "engine suite under ${run}"; done
rm -f "$log"
exit "$status"
