package dev.dmaudit.history;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/** A history store that cannot be opened, read or written; the message is one line naming the file. */
public final class HistoryException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message one line
     * @param cause   the underlying failure, or null
     */
    public HistoryException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * @param path the database
     * @param what what was being done ("cannot open", "cannot store events")
     * @param e    the driver's failure
     * @return one line saying what is wrong with the file, in an administrator's words
     */
    static HistoryException of(Path path, String what, SQLException e) {
        return new HistoryException("history " + path + ": " + what + ": " + reason(e), e);
    }

    /**
     * @param e a driver failure
     * @return why, without the driver's "[SQLITE_…]" prefix noise where a plainer word exists
     */
    static String reason(SQLException e) {
        if (e instanceof SQLiteException se) {
            SQLiteErrorCode code = se.getResultCode();
            if (code == null) {
                return oneLine(e.getMessage());
            }
            return switch (baseName(code)) {
                case "SQLITE_CORRUPT", "SQLITE_NOTADB" -> "not a dmaudit history or damaged (" + code.name()
                        + "); move it aside and a new one is created";
                case "SQLITE_BUSY", "SQLITE_LOCKED" -> "locked by another process (" + code.name() + ": another dmaudit listen?)";
                case "SQLITE_READONLY" -> "read-only (" + code.name() + ")";
                case "SQLITE_FULL" -> "the disk is full (" + code.name() + ")";
                case "SQLITE_CANTOPEN" -> "cannot open the file (" + code.name() + ": missing, or no permission)";
                case "SQLITE_PERM", "SQLITE_AUTH" -> "permission denied (" + code.name() + ")";
                case "SQLITE_IOERR" -> "I/O error (" + code.name() + ")";
                default -> oneLine(e.getMessage());
            };
        }
        return oneLine(e.getMessage());
    }

    /** @return the primary result code's name: SQLITE_IOERR for SQLITE_IOERR_WRITE, etc. */
    private static String baseName(SQLiteErrorCode code) {
        int primary = code.code & 0xff;
        for (SQLiteErrorCode c : SQLiteErrorCode.values()) {
            if (c.code == primary) {
                return c.name();
            }
        }
        return code.name();
    }

    private static String oneLine(String s) {
        return s == null ? "unknown error" : s.replaceAll("[\\r\\n]+", " ").strip();
    }
}
