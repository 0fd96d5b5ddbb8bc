/*
 * dmaudit native shim: the few netlink socket operations that are awkward from Java.
 *
 * Everything that Java can do (building the BPF program, framing, status encoding, the
 * choice of record types) is done in Java; the shim only hands structures with embedded
 * pointers to the kernel. All functions return >= 0 on success and -errno on failure, so
 * the caller never depends on errno surviving the JNA call.
 */
#ifndef DMAUDIT_H
#define DMAUDIT_H

/* ABI version of this library; Java refuses a library whose version differs. */
#define DMAUDIT_ABI_VERSION 2

/* Returns DMAUDIT_ABI_VERSION. */
int dmaudit_abi_version(void);

/*
 * Sets the socket receive buffer to `bytes`: SO_RCVBUFFORCE first (needs CAP_NET_ADMIN,
 * ignores net.core.rmem_max), SO_RCVBUF when that is refused with EPERM.
 * Returns 1 when forced, 0 when SO_RCVBUF was used (capped by rmem_max), -errno on failure.
 * On success *effective receives the kernel's SO_RCVBUF value (double the request).
 */
int dmaudit_set_rcvbuf(int fd, int bytes, int *effective);

/*
 * Attaches a classic BPF program (SO_ATTACH_FILTER). `insns` holds `count` struct
 * sock_filter entries (8 bytes each, host byte order) built by the Java side.
 * Returns 0 or -errno.
 */
int dmaudit_attach_filter(int fd, const void *insns, int count);

#endif
