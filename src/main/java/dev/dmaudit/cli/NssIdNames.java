package dev.dmaudit.cli;

import dev.dmaudit.dm.CommandResult;
import dev.dmaudit.dm.CommandRunner;
import dev.dmaudit.dm.DmToolException;
import dev.dmaudit.dm.ProcessCommandRunner;
import dev.dmaudit.dm.ToolTimeoutException;
import dev.dmaudit.record.interpret.IdNames;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * User and group names from the system's name service (NSS: files, LDAP, sssd…) through
 * {@code getent passwd|group ID}, as {@code ausearch -i} looks them up. Bounded: answers (names and
 * "no such id") are cached, at most {@value #CACHE} of each; one lookup waits at most 2 s; after a
 * timeout or when getent cannot run, no lookup is tried for a minute, so a dead directory server
 * costs one wait a minute, not one per event. One thread at a time (a sink's).
 */
final class NssIdNames implements IdNames {
    static final int CACHE = 4096;
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final long PAUSE_NANOS = Duration.ofMinutes(1).toNanos();
    private static final String GETENT = "/usr/bin/getent";
    /** Cached "no name", distinct from "not asked yet". */
    private static final String NONE = new String("");

    private final CommandRunner runner;
    private final LongSupplier nanoTime;
    private final Map<Long, String> users = lru();
    private final Map<Long, String> groups = lru();
    private long pausedUntil;
    private boolean paused;

    NssIdNames() {
        this(new ProcessCommandRunner(64 * 1024), System::nanoTime);
    }

    NssIdNames(CommandRunner runner, LongSupplier nanoTime) {
        this.runner = runner;
        this.nanoTime = nanoTime;
    }

    private static Map<Long, String> lru() {
        return new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, String> eldest) {
                return size() > CACHE;
            }
        };
    }

    @Override
    public String user(long uid) {
        return lookup(users, "passwd", uid);
    }

    @Override
    public String group(long gid) {
        return lookup(groups, "group", gid);
    }

    private String lookup(Map<Long, String> cache, String database, long id) {
        String cached = cache.get(id);
        if (cached != null) {
            return cached == NONE ? null : cached;
        }
        if (paused && nanoTime.getAsLong() - pausedUntil < 0) {
            return null; // not cached: asked again once the pause is over
        }
        paused = false;
        String name;
        try {
            CommandResult r = runner.run(List.of(GETENT, database, Long.toString(id)), TIMEOUT);
            // exit 2: no such entry; "name:x:id:…" otherwise
            int colon = r.stdout().indexOf(':');
            name = r.exitCode() == 0 && colon > 0 ? r.stdout().substring(0, colon) : null;
        } catch (ToolTimeoutException e) {
            pause();
            return null;
        } catch (DmToolException e) {
            pause(); // getent missing or not runnable
            return null;
        }
        cache.put(id, name == null ? NONE : name);
        return name;
    }

    private void pause() {
        paused = true;
        pausedUntil = nanoTime.getAsLong() + PAUSE_NANOS;
    }
}
