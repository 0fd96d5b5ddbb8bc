package dev.dmaudit.api;

import dev.dmaudit.os.SyscallException;

/** Turns the transport's failures into the API's {@link DmAuditException}, keeping the message. */
final class Failures {
    private Failures() {
    }

    static DmAuditException of(SyscallException e) {
        DmAuditException.Kind kind = switch (e.kind()) {
            case PERMISSION -> DmAuditException.Kind.PERMISSION;
            case UNSUPPORTED -> DmAuditException.Kind.UNSUPPORTED;
            case NOT_INITIAL_NAMESPACE -> DmAuditException.Kind.NOT_INITIAL_NAMESPACE;
            case DAEMON_SLOT_TAKEN -> DmAuditException.Kind.DAEMON_SLOT_TAKEN;
            default -> DmAuditException.Kind.OTHER;
        };
        return new DmAuditException(kind, e.errnoName(), e.getMessage(), e);
    }
}
