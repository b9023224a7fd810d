package io.zeroserve.net;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
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

    /**
     * Blocks until all {@code length} bytes have been handed to the kernel; the caller may reuse {@code data} at
     * once. An implementation may keep the last bytes written (at most a few tens of KiB) in its own native buffers
     * while the kernel takes them (io_uring does, and gathers the writes that arrive meanwhile into one send): a
     * failure of those bytes is thrown by the next {@code write}, {@code sendFile} or {@code shutdownOutput}, and
     * {@link #close()} lets them finish first.
     */
    void write(byte[] data, int offset, int length) throws IOException;

    /**
     * Writes what {@code producer} copies straight into the transport's outgoing memory, with no array of ours in
     * between: io_uring hands it the free end of the connection's staged native send buffer, NIO a pooled direct
     * buffer that then goes to {@code write(2)}. The producer is called until it returns fewer bytes than it was
     * offered; between calls this may block (a full staged buffer, a slow reader) exactly like {@link #write}, with
     * the same ordering, write-behind and error rules. This default goes through a heap array and
     * {@link #write(byte[], int, int)}.
     *
     * @return how many bytes the producer wrote in all
     */
    default long write(Producer producer) throws IOException {
        byte[] chunk = new byte[64 * 1024];
        MemorySegment target = MemorySegment.ofArray(chunk);
        long total = 0;
        while (true) {
            int n = Producer.checked(producer.produce(target), chunk.length);
            write(chunk, 0, n);
            total += n;
            if (n < chunk.length) {
                return total;
            }
        }
    }

    /**
     * Bytes produced straight into a transport's outgoing memory by {@link #write(Producer)}.
     *
     * <p>WARNING: called by the thread inside {@code write(Producer)} while it holds the connection's write lock
     * (and, on io_uring, the staged send buffer reserved for it). It must not block on I/O, call this connection, or
     * wait for a thread that may be waiting to write to this connection.
     */
    @FunctionalInterface
    interface Producer {
        /**
         * Copies the next bytes to the start of {@code target} and returns how many (0 to {@code target.byteSize()});
         * fewer than offered means there is nothing more for now. {@code target} may be native or heap memory and is
         * valid only during this call.
         */
        int produce(MemorySegment target) throws IOException;

        /** Returns {@code n} when it is a valid result for an offer of {@code offered} bytes; for implementations. */
        static int checked(int n, long offered) {
            if (n < 0 || n > offered) {
                throw new IllegalStateException("producer returned " + n + " for an offer of " + offered + " bytes");
            }
            return n;
        }
    }

    /**
     * Sends {@code count} bytes of {@code file} starting at {@code position}, like {@link #write} of those bytes
     * (same blocking, ordering with other writes, and errors). Transports avoid the Java heap: NIO uses
     * {@code sendfile(2)}, io_uring reads the range into one pooled native buffer and sends from there. This default
     * reads through a heap array.
     *
     * @throws java.io.EOFException when the file ends before {@code position + count}
     */
    default void sendFile(SendableFile file, long position, long count) throws IOException {
        byte[] chunk = new byte[(int) Math.min(count, 64 * 1024)];
        while (count > 0) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(chunk, 0, (int) Math.min(count, chunk.length));
            int n = file.channel().read(b, position);
            if (n < 0) {
                throw new java.io.EOFException(file.path() + " ends before byte " + position);
            }
            write(chunk, 0, n);
            position += n;
            count -= n;
        }
    }

    /**
     * A new builder for the thread that serves this connection (reads it and writes its responses); builders are not
     * thread-safe, hence one per call. The default builds ordinary virtual threads. A transport may schedule them on
     * the thread that drives the connection's I/O instead (io_uring's pollers do, see
     * {@link io.zeroserve.net.uring.IoUringTransport.Options#withLoopCarriers}), so that waking the reader costs no
     * thread switch. Virtual threads that the serving thread starts without a scheduler of their own (HTTP/2
     * streams, for example) inherit its scheduler: that is the JDK's rule.
     */
    default Thread.Builder threadBuilder() {
        return Thread.ofVirtual();
    }

    /**
     * Whether the calling thread can use this connection without a hand-off to another thread: io_uring answers
     * whether the connection's poller carries the caller (its completions then wake the caller in place, see
     * {@link #threadBuilder()}). A pool of connections shared by many threads uses it to prefer local ones. This
     * default, for transports with no such affinity, is true.
     */
    default boolean isLocalToCurrentThread() {
        return true;
    }

    InetSocketAddress remoteAddress();

    InetSocketAddress localAddress();

    /** True until the connection is closed or the peer's end of stream was read. */
    boolean isOpen();

    /** Half-closes the sending side (FIN), for example before a final close. */
    void shutdownOutput() throws IOException;

    /** Closes the socket. Idempotent; a blocked reader wakes up with an exception or end of stream. */
    @Override
    void close();

    /**
     * Closes the socket at once: bytes written but not yet handed to the kernel are dropped, and a blocked reader
     * and a blocked writer both wake up with an exception. For a connection that is given up (a peer that stopped
     * reading would otherwise hold {@link #close()} until its write-behind bytes are sent). Idempotent; this
     * default is {@link #close()}, right for transports with no write-behind.
     */
    default void abort() {
        close();
    }
}
