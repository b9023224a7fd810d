package io.zeroserve.site;

import java.util.concurrent.atomic.AtomicReference;

/** The site being served now. A reload swaps in a new one atomically; requests hold the one they started with. */
public final class CurrentSite {
    private final AtomicReference<Site> current;

    public CurrentSite(Site initial) {
        this.current = new AtomicReference<>(initial);
    }

    /** A retained reference to the current site; the caller must {@link Site#release()} it. */
    public Site acquire() {
        while (true) {
            Site site = current.get();
            if (site.retain()) {
                return site;
            }
            // Lost a race with a swap that just dropped this site's last reference: read the new one.
        }
    }

    /** Installs {@code next} and drops the server's reference to the previous site. */
    public void swap(Site next) {
        Site previous = current.getAndSet(next);
        if (previous != null) {
            previous.release();
        }
    }

    /** Drops the server's reference at shutdown. */
    public void close() {
        Site previous = current.getAndSet(null);
        if (previous != null) {
            previous.release();
        }
    }

    /** The current site without retaining it, for read-only facts (tar path, counts). */
    public Site peek() {
        return current.get();
    }
}
