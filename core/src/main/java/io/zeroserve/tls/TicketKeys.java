package io.zeroserve.tls;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * Session-ticket keys that rotate: a new key every {@link #ROTATION} (12 hours), and two live keys at any time.
 * New tickets are sealed with the current period's key; tickets sealed with the previous period's key are still
 * accepted (and renewed), so a ticket stays usable for 12 to 24 hours. Keys are random, kept in memory only, and
 * survive reloads of the TLS material (they belong to the {@link TlsContext}, not to one {@code SSL_CTX}).
 *
 * <p>Layout per key, as {@code SSL_CTX_set_tlsext_ticket_key_cb} uses it: a 16-byte public name, a 16-byte HMAC-SHA256
 * key and a 16-byte AES-128-CBC key. Thread-safe (methods are short and synchronized).
 */
final class TicketKeys {
    static final Duration ROTATION = Duration.ofHours(12);

    /** One key; {@code period} is the number of whole rotation periods since the epoch. */
    record Key(long period, byte[] name, byte[] hmacKey, byte[] aesKey) {
    }

    private final InstantSource clock;
    private final SecureRandom random = new SecureRandom();
    private final TreeMap<Long, Key> byPeriod = new TreeMap<>();

    TicketKeys(InstantSource clock) {
        this.clock = clock;
    }

    private long period() {
        return clock.instant().getEpochSecond() / ROTATION.toSeconds();
    }

    /** The key new tickets are sealed with. */
    synchronized Key current() {
        long now = period();
        // Drop keys older than the previous period: their tickets are no longer accepted.
        byPeriod.headMap(now - 1).clear();
        return byPeriod.computeIfAbsent(now, this::newKey);
    }

    /** The live key called {@code name}, or null when it is unknown or retired. */
    synchronized Key find(byte[] name) {
        long now = period();
        byPeriod.headMap(now - 1).clear();
        for (Map.Entry<Long, Key> e : byPeriod.entrySet()) {
            if (e.getKey() >= now - 1 && e.getKey() <= now && Arrays.equals(e.getValue().name(), name)) {
                return e.getValue();
            }
        }
        return null;
    }

    /** True when {@code key} is the current period's key (tickets under an older key get renewed). */
    boolean isCurrent(Key key) {
        return key.period() == period();
    }

    private Key newKey(long period) {
        byte[] all = new byte[48];
        random.nextBytes(all);
        return new Key(period, Arrays.copyOfRange(all, 0, 16), Arrays.copyOfRange(all, 16, 32),
                Arrays.copyOfRange(all, 32, 48));
    }
}
