package dev.dmaudit.dm;

import java.time.Clock;
import java.time.Duration;

/** A token bucket: at most {@code capacity} at once, refilled at one token per {@code refillEvery}. */
public final class TokenBucket {
    private final int capacity;
    private final long refillMillis;
    private final Clock clock;
    private double tokens;
    private long lastMillis;

    /**
     * @param capacity    burst size
     * @param refillEvery time to earn one token
     * @param clock       time source (a fixed one in tests)
     */
    public TokenBucket(int capacity, Duration refillEvery, Clock clock) {
        if (capacity <= 0 || refillEvery.isNegative() || refillEvery.isZero()) {
            throw new IllegalArgumentException("capacity and refill interval must be positive");
        }
        this.capacity = capacity;
        this.refillMillis = refillEvery.toMillis();
        this.clock = clock;
        this.tokens = capacity;
        this.lastMillis = clock.millis();
    }

    /** @return true and takes a token when one is available */
    public synchronized boolean tryAcquire() {
        long now = clock.millis();
        tokens = Math.min(capacity, tokens + (double) Math.max(0, now - lastMillis) / refillMillis);
        lastMillis = now;
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
