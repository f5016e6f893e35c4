#!/usr/bin/env bash
# Installs the Debian packages hotpath needs to build, test and chart, when they are missing.
# As root it installs them with apt-get; as anyone else it prints the command to run and fails.
# Go and Debian's Gin and httprouter packages (the peers beside the C phases and the Go twins,
# peers/) are installed too, unless HOTPATH_NO_GO=1 declines them (setup.sh and test.sh then
# leave the Go parts out as well).
# Usage: scripts/install-deps.sh [--check]   (--check: only report what is missing)
set -euo pipefail

packages=(
  gcc make cmake pkg-config git          # toolchain; git stamps the commit into results
  binutils                               # readelf: the install test finds no path compiled in
  libjemalloc-dev                        # the allocator and its statistics
  libcriterion-dev                       # tests
  libjansson-dev                         # results.json
  libinih-dev                            # phase files
  liburcu-dev                            # RCU reclamation for the copy-on-write router
  libck-dev                              # Concurrency Kit: ck_ring, the outside reference queue
  zlib1g-dev                             # compressed .hlog histograms
  gnuplot-nox                            # charts
  valgrind                               # instruction counts where perf counters are absent
  clang-format                           # scripts/check-tree.sh: the committed .clang-format
  clang libclang-rt-dev                  # scripts/fuzz.sh: libFuzzer (its runtime is in rt-dev)
  nginx-light h2o                        # scripts/load.sh: the anchors beside hotpath serve
  wrk                                    # scripts/load.sh: the load generator's cross-check
)
case "${HOTPATH_NO_GO:-}" in
  "" | 0 | 1) ;;
  *) echo "install-deps: HOTPATH_NO_GO='$HOTPATH_NO_GO': use 1 to decline Go, or leave it unset" >&2; exit 2 ;;
esac
if [ "${HOTPATH_NO_GO:-}" != 1 ]; then
  packages+=(
    golang-go                                    # the Go peers and twins (peers/), GOPATH mode
    golang-github-gin-gonic-gin-dev              # Gin, the seeds' reference framework
    golang-github-julienschmidt-httprouter-dev   # httprouter
  )
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi
if [ "${1:-}" = "--check" ]; then
  echo "install-deps: missing: ${missing[*]}"
  exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages: ${missing[*]}" >&2
  echo "install-deps: run as root, or: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
