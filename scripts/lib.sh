# Shared by scripts/test and scripts/demo (sourced, not run). Bash.

# Every Debian 12 package the build, the tests and the demo need.
EDGEFN_APT_PACKAGES=(
  meson ninja-build pkg-config gcc libc6-dev make binutils python3
  duktape-dev libmbedtls-dev libcurl4-openssl-dev libpcre2-dev libhttp-parser-dev
  libjansson-dev libidn2-dev libunistring-dev libicu-dev nettle-dev zlib1g-dev abigail-tools cppcheck curl openssl
  libsqlite3-dev libhiredis-dev redis-server nginx nginx-dev liburing-dev valgrind
)

# What scripts/bench-gateway needs besides: the reference servers and the load generator.
EDGEFN_BENCH_APT_PACKAGES=(nginx-light libnginx-mod-http-js wrk)

# What scripts/fuzz needs besides: clang and libFuzzer with its sanitizer runtimes.
EDGEFN_FUZZ_APT_PACKAGES=(clang libclang-rt-14-dev)


# Installs whichever of EDGEFN_APT_PACKAGES is missing, with sudo when not root.
edgefn_install_deps() {
  local missing=() p
  for p in "${EDGEFN_APT_PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
      missing+=("$p")
    fi
  done
  if [ "${#missing[@]}" -eq 0 ]; then
    return 0
  fi
  echo "installing: ${missing[*]}"
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null 2>&1; then
      echo "error: not root and sudo is not available; install as root: apt-get install ${missing[*]}" >&2
      return 1
    fi
    sudo=(sudo)
  fi
  "${sudo[@]}" apt-get update
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends "${missing[@]}"
}

# Configures build folder $1 with the remaining arguments as meson options (again when it
# exists, so the options always hold), then builds it.
edgefn_build() {
  local dir="$1"
  shift
  if [ -f "$dir/meson-private/coredata.dat" ]; then
    meson setup --reconfigure "$dir" "$@"
  else
    meson setup "$dir" "$@"
  fi
  ninja -C "$dir"
}
