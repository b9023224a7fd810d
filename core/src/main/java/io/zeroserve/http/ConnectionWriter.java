package io.zeroserve.http;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataWriter;
import io.helidon.common.socket.HelidonSocket;

/**
 * Helidon's writes onto our socket. Helidon's contract is that {@code write} sends without waiting for a flush
 * (its direct writer treats both alike), so every call sends; several buffers given in one call leave as one send.
 *
 * <p>Threading: HTTP/2 stream threads write concurrently; the lock keeps each call's bytes together and in order.
 */
final class ConnectionWriter implements DataWriter {
    private final HelidonSocket socket;
    private final Object lock = new Object();

    ConnectionWriter(HelidonSocket socket) {
        this.socket = socket;
    }

    @Override
    public void write(BufferData... buffers) {
        writeNow(buffers);
    }

    @Override
    public void write(BufferData buffer) {
        writeNow(buffer);
    }

    @Override
    public void writeNow(BufferData... buffers) {
        if (buffers.length == 1) {
            writeNow(buffers[0]);
            return;
        }
        int total = 0;
        for (BufferData buffer : buffers) {
            total += buffer.available();
        }
        BufferData joined = BufferData.create(total);
        for (BufferData buffer : buffers) {
            joined.write(buffer);
        }
        writeNow(joined);
    }

    @Override
    public void writeNow(BufferData buffer) {
        synchronized (lock) {
            socket.write(buffer);
        }
    }

    @Override
    public void close() {
        // The socket is closed by the connection's owner.
    }
}
