package io.zeroserve.net.nio;

import io.zeroserve.net.Connection;
import io.zeroserve.net.SendableFile;
import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A blocking {@link SocketChannel}. Reads use an adaptive buffer size (Netty's idea): it starts at
 * {@value #MIN_READ}, doubles after a read that filled it and halves after two small reads, between
 * {@value #MIN_READ} and {@value #MAX_READ} bytes. An idle connection therefore holds at most {@value #MIN_READ}
 * bytes of heap while it waits.
 */
final class NioConnection implements Connection {
    static final int MIN_READ = 2048;
    static final int MAX_READ = 65536;

    private final NioTransport transport;
    private final SocketChannel channel;
    private final InetSocketAddress remoteAddress;
    private final InetSocketAddress localAddress;
    private final ReentrantLock writeLock = new ReentrantLock();
    private int readSize = MIN_READ;
    private int smallReads;
    private volatile boolean eof;

    NioConnection(NioTransport transport, SocketChannel channel) throws IOException {
        this.transport = transport;
        this.channel = channel;
        this.remoteAddress = (InetSocketAddress) channel.getRemoteAddress();
        this.localAddress = (InetSocketAddress) channel.getLocalAddress();
    }

    @Override
    public byte[] read() throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(readSize);
        int n;
        do {
            n = channel.read(buffer); // a blocking channel returns 0 only for an empty buffer, never here
        } while (n == 0);
        if (n < 0) {
            eof = true;
            return null;
        }
        adapt(n);
        return Arrays.copyOf(buffer.array(), n);
    }

    private void adapt(int n) {
        if (n == readSize) {
            readSize = Math.min(MAX_READ, readSize * 2);
            smallReads = 0;
        } else if (n <= readSize / 4 && readSize > MIN_READ) {
            if (++smallReads >= 2) {
                readSize /= 2;
                smallReads = 0;
            }
        } else {
            smallReads = 0;
        }
    }

    @Override
    public void write(byte[] data, int offset, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(data, offset, length);
        writeLock.lock();
        try {
            while (buffer.hasRemaining()) {
                channel.write(buffer); // blocks while the send buffer is full: that is the backpressure
            }
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * The producer fills a pooled direct buffer, which then goes to {@code write(2)} as it is (the JDK copies a heap
     * buffer into a temporary direct one first). When the pool has none free, a heap buffer stands in.
     */
    @Override
    public long write(Producer producer) throws IOException {
        DirectBuffers pool = transport.directBuffers();
        writeLock.lock();
        ByteBuffer buffer = null;
        boolean pooled = false;
        try {
            buffer = pool.take();
            pooled = buffer != null;
            if (!pooled) {
                buffer = ByteBuffer.allocate(pool.size());
            }
            MemorySegment target = MemorySegment.ofBuffer(buffer);
            int room = buffer.capacity();
            long total = 0;
            while (true) {
                int n = Producer.checked(producer.produce(target), room);
                buffer.clear().limit(n);
                while (buffer.hasRemaining()) {
                    channel.write(buffer); // blocks while the send buffer is full: that is the backpressure
                }
                total += n;
                if (n < room) {
                    return total;
                }
            }
        } finally {
            if (pooled) {
                pool.release(buffer);
            }
            writeLock.unlock();
        }
    }

    /** {@code sendfile(2)} through {@link java.nio.channels.FileChannel#transferTo}: no copy through Java memory. */
    @Override
    public void sendFile(SendableFile file, long position, long count) throws IOException {
        writeLock.lock();
        try {
            long end = position + count;
            if (end > file.size()) {
                throw new EOFException(file.path() + " ends before byte " + end);
            }
            while (position < end) {
                long n = file.channel().transferTo(position, end - position, channel);
                if (n <= 0) {
                    // transferTo may give up (e.g. a full socket buffer on a virtual thread's non-blocking fd):
                    // send one chunk through the heap with a blocking write, then try sendfile again.
                    ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(end - position, 64 * 1024));
                    if (file.channel().read(chunk, position) <= 0) {
                        throw new EOFException(file.path() + " ends before byte " + end);
                    }
                    chunk.flip();
                    n = chunk.remaining();
                    while (chunk.hasRemaining()) {
                        channel.write(chunk);
                    }
                }
                position += n;
            }
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remoteAddress;
    }

    @Override
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    @Override
    public boolean isOpen() {
        return !eof && channel.isOpen();
    }

    @Override
    public void shutdownOutput() throws IOException {
        channel.shutdownOutput();
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // the fd is released even when close reports an error
        }
        transport.untrack(this);
    }

    @Override
    public String toString() {
        return "NioConnection[" + remoteAddress + " -> " + localAddress + "]";
    }
}
