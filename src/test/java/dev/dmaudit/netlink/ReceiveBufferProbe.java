package dev.dmaudit.netlink;

/** Run by ReceiveBufferLiveTest without CAP_NET_ADMIN: opens two multicast sockets, prints their buffers. */
final class ReceiveBufferProbe {
    private ReceiveBufferProbe() {
    }

    public static void main(String[] args) {
        int requested = Integer.parseInt(args[0]);
        for (int i = 0; i < 2; i++) {
            try (AuditSocket s = AuditSocket.multicast(AuditSocketOptions.defaults().withReceiveBuffer(requested))) {
                System.out.println("effective=" + s.receiveBufferBytes() + " capped=" + s.receiveBufferCapped());
            }
        }
    }
}
