# Shared helpers for the e2e/ scripts (sourced, not run).
# Paths: the repo root, the download/build cache (.vm-cache/, git-ignored).
E2E_DIR=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
REPO_ROOT=$(cd "$E2E_DIR/.." && pwd)
VM_CACHE=${VM_CACHE:-$REPO_ROOT/.vm-cache}

log()  { printf '%s: %s\n' "${0##*/}" "$*" >&2; }
die()  { printf '%s: ERROR: %s\n' "${0##*/}" "$*" >&2; exit 1; }

# Installs the Debian packages the VM harness needs when a command is missing.
# Usage: ensure_pkgs cmd:package ...
ensure_pkgs() {
  local want=() pair cmd pkg
  for pair in "$@"; do
    cmd=${pair%%:*} pkg=${pair#*:}
    if [[ $cmd == /* ]]; then [[ -e $cmd ]] && continue
    else command -v "$cmd" >/dev/null 2>&1 && continue; fi
    want+=("$pkg")
  done
  ((${#want[@]})) || return 0
  [[ $(id -u) -eq 0 ]] || die "need root to apt-get install ${want[*]}"
  log "installing ${want[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${want[@]}" >/dev/null
}

# All host packages used by the harness (host side and, through the shared host root, guest side).
ensure_vm_deps() {
  ensure_pkgs qemu-system-x86_64:qemu-system-x86 /bin/busybox:busybox-static \
    integritysetup:cryptsetup-bin cryptsetup:cryptsetup-bin dmsetup:dmsetup \
    modprobe:kmod depmod:kmod cpio:cpio xz:xz-utils zstd:zstd gzip:gzip \
    losetup:mount cc:gcc python3:python3
}

# Reads the kernel facts written by fetch-kernel: KVER, KROOT (unpacked tree), VMLINUZ.
load_kernel_env() {
  [[ -f $VM_CACHE/kernel.env ]] || die "no $VM_CACHE/kernel.env; run e2e/fetch-kernel first"
  # shellcheck disable=SC1091
  source "$VM_CACHE/kernel.env"
  [[ -f ${VMLINUZ:-} ]] || die "kernel image $VMLINUZ missing; rerun e2e/fetch-kernel"
}
