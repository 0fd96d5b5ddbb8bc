package dev.dmaudit.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * The reason of an I/O failure in words, not the path again: the JDK's file exceptions carry the
 * path as their message and the errno text (if any) as their reason.
 */
final class IoErrors {
    private IoErrors() {
    }

    /**
     * @param e an I/O failure
     * @return its reason, e.g. {@code No such file or directory}
     */
    static String reason(IOException e) {
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        if (e instanceof NoSuchFileException) {
            return "No such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "Permission denied";
        }
        if (e instanceof NotDirectoryException) {
            return "Not a directory";
        }
        return String.valueOf(e.getMessage());
    }

    /**
     * @param e an output failure
     * @return whether it is the reader of a pipe having gone away ({@code listen | head -1}): an
     *     expected end that Unix tools meet quietly
     */
    static boolean isClosedPipe(IOException e) {
        String m = e.getMessage();
        return m != null && (m.contains("Broken pipe") || m.contains("EPIPE"));
    }
}
