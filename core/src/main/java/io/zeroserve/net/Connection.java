package io.zeroserve.net;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * One accepted TCP connection: raw bytes, before TLS.
 *
 * <p>Threading: one thread reads while any number of threads write; writes are serialized inside. If the thread
 * blocked in {@link #read()} is interrupted, the pending read is cancelled and {@code read} throws
 * {@link java.nio.channels.ClosedByInterruptException}; Helidon's idle close and graceful stop depend on that.
 */
public interface Connection extends AutoCloseable {
    /**
     * Blocks until bytes arrive and returns exactly those bytes (never an empty array), or null at end of stream.
     */
    byte[] read() throws IOException;

    /** Blocks until all {@code length} bytes have been handed to the kernel. */
    void write(byte[] data, int offset, int length) throws IOException;

    InetSocketAddress remoteAddress();

    InetSocketAddress localAddress();

    /** True until the connection is closed or the peer's end of stream was read. */
    boolean isOpen();

    /** Half-closes the sending side (FIN), for example before a final close. */
    void shutdownOutput() throws IOException;

    /** Closes the socket. Idempotent; a blocked reader wakes up with an exception or end of stream. */
    @Override
    void close();
}
