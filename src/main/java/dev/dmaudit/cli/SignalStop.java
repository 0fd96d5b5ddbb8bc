package dev.dmaudit.cli;

import java.util.ArrayList;
import java.util.List;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGINT/SIGTERM as a normal end: the handler only asks the command to stop, so it flushes its
 * events, restores the audit state and exits 0 — rather than the JVM's default exit 130/143.
 */
final class SignalStop {
    private final List<Signal> signals = new ArrayList<>();
    private final List<SignalHandler> previous = new ArrayList<>();

    private SignalStop() {
    }

    static SignalStop install(Runnable stop) {
        SignalStop s = new SignalStop();
        for (String name : new String[] {"INT", "TERM"}) {
            try {
                Signal sig = new Signal(name);
                s.previous.add(Signal.handle(sig, x -> stop.run()));
                s.signals.add(sig);
            } catch (IllegalArgumentException unavailable) {
                // e.g. INT when the JVM runs with -Xrs: the shutdown hook still restores state
            }
        }
        return s;
    }

    void uninstall() {
        for (int i = 0; i < signals.size(); i++) {
            Signal.handle(signals.get(i), previous.get(i));
        }
    }
}
