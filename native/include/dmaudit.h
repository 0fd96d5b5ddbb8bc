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
#define DMAUDIT_ABI_VERSION 3

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

/*
 * Opens `path` for appending without following a final symbolic link and without blocking
 * (O_WRONLY|O_APPEND|O_NOFOLLOW|O_NONBLOCK|O_NOCTTY|O_CLOEXEC; with `create_new` also
 * O_CREAT|O_EXCL, mode 0600), then fstat()s the descriptor: st[0] = st_mode, st[1] = st_uid,
 * st[2] = st_size. A FIFO without a reader fails with ENXIO instead of blocking.
 * Returns the descriptor, or -errno (nothing stays open then).
 */
int dmaudit_open_append(const char *path, int create_new, long long *st);

#endif
