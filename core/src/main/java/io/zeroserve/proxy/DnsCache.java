package io.zeroserve.proxy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Upstream host names to addresses, cached for {@link #TTL_NANOS} with at most {@link #CAPACITY} names (the least
 * recently used is dropped first), as zeroserve does. IP literals are not cached (they need no lookup).
 * Thread-safe; a lookup runs outside the lock, so two requests may resolve the same name at once.
 */
final class DnsCache {
    static final long TTL_NANOS = 60_000_000_000L;
    static final int CAPACITY = 128;

    private record Resolved(InetAddress[] addresses, long expires) {
    }

    private final LongSupplier clock;
    private final Map<String, Resolved> entries = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Resolved> eldest) {
            return size() > CAPACITY;
        }
    };

    DnsCache() {
        this(System::nanoTime);
    }

    DnsCache(LongSupplier clock) {
        this.clock = clock;
    }

    /** The addresses of {@code host}, from the cache when fresh. */
    InetAddress[] resolve(String host) throws UnknownHostException {
        if (isLiteral(host)) {
            return InetAddress.getAllByName(host);
        }
        long now = clock.getAsLong();
        synchronized (entries) {
            Resolved e = entries.get(host);
            if (e != null && now - e.expires < 0) {
                return e.addresses;
            }
        }
        InetAddress[] addresses = InetAddress.getAllByName(host);
        synchronized (entries) {
            entries.put(host, new Resolved(addresses, now + TTL_NANOS));
        }
        return addresses;
    }

    int size() {
        synchronized (entries) {
            return entries.size();
        }
    }

    private static boolean isLiteral(String host) {
        if (host.indexOf(':') >= 0) {
            return true; // IPv6
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c != '.' && (c < '0' || c > '9')) {
                return false;
            }
        }
        return true;
    }
}
