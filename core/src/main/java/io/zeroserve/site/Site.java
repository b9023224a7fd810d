package io.zeroserve.site;

import io.zeroserve.net.SendableFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loaded site: the tar file held open, its index and the lookup rules. Immutable; a reload builds a new Site and
 * swaps it in. Reference counted so that requests in flight finish against the site they started with: the server
 * holds one reference, each request {@link #retain()}s one, and the file closes when the last is released.
 */
public final class Site {
    private static final String HIDDEN_PREFIX = ".zeroserve/";

    private final Path tar;
    private final SendableFile file;
    private final FileChannel channel;
    private final TarIndex index;
    private final SiteOptions options;
    private final AtomicInteger references = new AtomicInteger(1);

    private Site(Path tar, SendableFile file, TarIndex index, SiteOptions options) {
        this.tar = tar;
        this.file = file;
        this.channel = file.channel();
        this.index = index;
        this.options = options;
    }

    /**
     * Opens and indexes a site tar.
     *
     * @throws SiteLoadException naming the file and the problem: missing, a directory, not a tar, truncated, bad
     *                           entry names
     */
    public static Site open(Path tar, SiteOptions options) throws SiteLoadException {
        if (Files.isDirectory(tar)) {
            throw new SiteLoadException(tar + ": is a directory; pack it first with: zeroserve --pack " + tar
                    + " > site.tar");
        }
        if (!Files.isRegularFile(tar)) {
            throw new SiteLoadException(tar + ": no such file");
        }
        SendableFile file;
        try {
            file = SendableFile.open(tar);
        } catch (IOException | RuntimeException e) {
            throw new SiteLoadException(tar + ": cannot open: "
                    + (e instanceof IOException io ? TarIndex.describe(io) : e.getMessage()), e);
        }
        try {
            TarIndex index = TarIndex.build(tar, file.channel(), options.cacheFileLimit(), options.cacheBudget());
            return new Site(tar, file, index, options);
        } catch (SiteLoadException | RuntimeException | Error e) {
            closeQuietly(file);
            if (e instanceof OutOfMemoryError) {
                throw new SiteLoadException(tar + ": a tar header asks for more memory than is available", e);
            }
            throw e;
        }
    }

    public Path tar() {
        return tar;
    }

    public TarIndex index() {
        return index;
    }

    public SiteOptions options() {
        return options;
    }

    /**
     * zeroserve's static lookup for a normalized request path: the exact file; then {@code <key>/<index>} when the
     * path had a trailing slash, is the root, or names a directory; then {@code <key>/index.html}; then, with
     * try-html, {@code <key>.html}. Nothing under {@code .zeroserve/} is ever found. Never redirects.
     *
     * @return the file, or null
     */
    public TarEntry lookup(RequestPath path) {
        String key = path.key();
        if (isHidden(key)) {
            return null;
        }
        TarEntry entry = key.isEmpty() ? null : index.file(key);
        if (entry != null) {
            return entry;
        }
        String prefix = key.isEmpty() ? "" : key + "/";
        if (path.directoryHint() || key.isEmpty() || index.isDirectory(key)) {
            entry = visible(prefix + options.indexName());
            if (entry != null) {
                return entry;
            }
        }
        entry = visible(prefix + "index.html");
        if (entry != null) {
            return entry;
        }
        if (options.tryHtml() && !key.isEmpty() && !key.endsWith(".html")) {
            return visible(key + ".html");
        }
        return null;
    }

    private TarEntry visible(String key) {
        return isHidden(key) ? null : index.file(key);
    }

    private static boolean isHidden(String key) {
        return key.startsWith(HIDDEN_PREFIX) || key.equals(".zeroserve");
    }

    /** A file by its verbatim tar path, hidden ones included (for scripts: {@code zs_load_static_json}). */
    public TarEntry fileAt(String tarPath) {
        return index.file(tarPath);
    }

    /** Reads up to {@code target.remaining()} bytes of {@code entry} starting at {@code offset} within it. */
    public int read(TarEntry entry, long offset, ByteBuffer target) throws IOException {
        long remaining = entry.size() - offset;
        if (remaining <= 0) {
            return -1;
        }
        if (target.remaining() > remaining) {
            target.limit(target.position() + (int) remaining);
        }
        return channel.read(target, entry.dataOffset() + offset);
    }

    /** The whole contents of a file (cached bytes when it is small). The caller bounds the size. */
    public byte[] readAll(TarEntry entry) throws IOException {
        return TarIndex.readAll(channel, entry);
    }

    /** Takes a reference; false if the site is already closed (then take the current site again). */
    public boolean retain() {
        while (true) {
            int n = references.get();
            if (n <= 0) {
                return false;
            }
            if (references.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /**
     * The tar file, for sending byte ranges of entries straight to a socket ({@code Connection.sendFile}); valid
     * while the caller holds a reference.
     */
    public SendableFile file() {
        return file;
    }

    /** Drops a reference; the last one closes the tar file. */
    public void release() {
        if (references.decrementAndGet() == 0) {
            closeQuietly(file);
        }
    }

    private static void closeQuietly(SendableFile file) {
        try {
            file.close();
        } catch (IOException ignored) {
            // Nothing useful to do: the file was only read.
        }
    }
}
