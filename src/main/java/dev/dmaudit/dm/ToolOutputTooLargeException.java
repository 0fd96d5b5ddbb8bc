package dev.dmaudit.dm;

/** The tool printed more than the capture cap; a cut output is not parsed, to avoid wrong results. */
public final class ToolOutputTooLargeException extends DmToolException {
    private static final long serialVersionUID = 1L;

    /**
     * @param tool   command name
     * @param action the tool's action
     * @param cap    capture cap in bytes
     */
    public ToolOutputTooLargeException(String tool, String action, int cap) {
        super(tool + " " + action + " printed more than " + cap + " bytes; output not parsed");
    }
}
