# Shared helpers for the e2e/ scripts (sourced, not run).
# Paths: the repo root, the download/build cache (.vm-cache/, git-ignored).
E2E_DIR=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
REPO_ROOT=$(cd "$E2E_DIR/.." && pwd)
VM_CACHE=${VM_CACHE:-$REPO_ROOT/.vm-cache}
# Which guest kernel (E2E_KERNEL, `make e2e KERNEL=...`): Debian's meta package that names the
# current ABI of that series, and the env file fetch-kernel writes for it. 6.1 keeps the historical
# name kernel.env so existing caches stay valid.
E2E_KERNEL=${E2E_KERNEL:-6.1}
case $E2E_KERNEL in
  6.1)  KERNEL_META=linux-image-amd64;      KERNEL_ENV=$VM_CACHE/kernel.env ;;
  6.12) KERNEL_META=linux-image-6.12-amd64; KERNEL_ENV=$VM_CACHE/kernel-6.12.env ;;
  *) printf '%s: ERROR: E2E_KERNEL=%s: known kernels are 6.1 and 6.12\n' "${0##*/}" "$E2E_KERNEL" >&2; exit 2 ;;
esac

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
    integritysetup:cryptsetup-bin cryptsetup:cryptsetup-bin veritysetup:cryptsetup-bin dmsetup:dmsetup \
    modprobe:kmod depmod:kmod cpio:cpio xz:xz-utils zstd:zstd gzip:gzip \
    losetup:mount cc:gcc python3:python3 modinfo:kmod
}

# Reads the kernel facts written by fetch-kernel: KVER, KROOT (unpacked tree), VMLINUZ.
load_kernel_env() {
  [[ -f $KERNEL_ENV ]] || die "no $KERNEL_ENV; run E2E_KERNEL=$E2E_KERNEL e2e/fetch-kernel first"
  # shellcheck disable=SC1091
  source "$KERNEL_ENV"
  [[ -f ${VMLINUZ:-} ]] || die "kernel image $VMLINUZ missing; rerun e2e/fetch-kernel"
}
