#include "dmaudit.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/netlink.h>
#include <string.h>
#include <sys/socket.h>

#define MAX_BATCH 64

int dmaudit_abi_version(void) { return DMAUDIT_ABI_VERSION; }

int dmaudit_set_rcvbuf(int fd, int bytes, int *effective)
{
    int forced = 1;
    socklen_t len = sizeof(*effective);

    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof(bytes)) != 0) {
        if (errno != EPERM)
            return -errno;
        forced = 0;
        if (setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof(bytes)) != 0)
            return -errno;
    }
    if (effective != NULL && getsockopt(fd, SOL_SOCKET, SO_RCVBUF, effective, &len) != 0)
        return -errno;
    return forced;
}

int dmaudit_attach_filter(int fd, const void *insns, int count)
{
    struct sock_fprog prog;

    if (insns == NULL || count <= 0 || count > BPF_MAXINSNS)
        return -EINVAL;
    prog.len = (unsigned short)count;
    prog.filter = (struct sock_filter *)insns;
    if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) != 0)
        return -errno;
    return 0;
}

int dmaudit_recv_batch(int fd, void *buf, int slot_size, int vlen,
                       int32_t *lens, uint32_t *senders, int flags)
{
    struct mmsghdr msgs[MAX_BATCH];
    struct iovec iov[MAX_BATCH];
    struct sockaddr_nl addr[MAX_BATCH];
    int i, n;

    if (buf == NULL || lens == NULL || senders == NULL || slot_size <= 0 || vlen <= 0)
        return -EINVAL;
    if (vlen > MAX_BATCH)
        vlen = MAX_BATCH;
    memset(msgs, 0, sizeof(msgs[0]) * (size_t)vlen);
    for (i = 0; i < vlen; i++) {
        iov[i].iov_base = (char *)buf + (size_t)i * (size_t)slot_size;
        iov[i].iov_len = (size_t)slot_size;
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
        msgs[i].msg_hdr.msg_name = &addr[i];
        msgs[i].msg_hdr.msg_namelen = sizeof(addr[i]);
    }
    n = recvmmsg(fd, msgs, (unsigned int)vlen, flags | MSG_TRUNC, NULL);
    if (n < 0)
        return -errno;
    for (i = 0; i < n; i++) {
        /* With MSG_TRUNC on the call, msg_len is the real datagram size. */
        lens[i] = (msgs[i].msg_hdr.msg_flags & MSG_TRUNC) && msgs[i].msg_len <= (unsigned)slot_size
                  ? slot_size + 1 : (int32_t)msgs[i].msg_len;
        senders[i] = addr[i].nl_pid;
    }
    return n;
}
