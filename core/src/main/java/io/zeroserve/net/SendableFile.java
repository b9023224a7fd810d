package io.zeroserve.net;

import io.zeroserve.ffi.linux.LibC;
import io.zeroserve.ffi.linux.NativeException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A read-only file whose byte ranges connections send with {@link Connection#sendFile}: the site's tar, for static
 * bodies. It holds a {@link FileChannel} (NIO sends through {@code sendfile(2)}) and a native fd of the same file
 * (io_uring reads it with {@code IORING_OP_READ}). Thread-safe; positional reads never move a file position.
 *
 * <p>Ownership: the opener closes it, after the last send that uses it.
 */
public final class SendableFile implements AutoCloseable {
    private final Path path;
    private final FileChannel channel;
    private final int fd;

    private SendableFile(Path path, FileChannel channel, int fd) {
        this.path = path;
        this.channel = channel;
        this.fd = fd;
    }

    /** Opens {@code path} for reading. */
    public static SendableFile open(Path path) throws IOException {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        int fd;
        try (Arena arena = Arena.ofConfined()) {
            fd = LibC.open(arena.allocateFrom(path.toAbsolutePath().toString()), LibC.O_RDONLY | LibC.O_CLOEXEC, 0);
        }
        if (fd < 0) {
            channel.close();
            throw new NativeException(path.toString(), "open", fd);
        }
        return new SendableFile(path, channel, fd);
    }

    public Path path() {
        return path;
    }

    /** The JDK channel of the file; do not close it (close this instead). */
    public FileChannel channel() {
        return channel;
    }

    /** The native fd of the file, for transports that read it themselves; valid until {@link #close()}. */
    public int fd() {
        return fd;
    }

    public long size() throws IOException {
        return channel.size();
    }

    @Override
    public void close() throws IOException {
        try {
            channel.close();
        } finally {
            LibC.close(fd);
        }
    }

    @Override
    public String toString() {
        return "SendableFile[" + path + "]";
    }
}
