package io.zeroserve.http;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.buffers.DataWriter;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * The client side of a protocol switch (a WebSocket the scripts proxied): after the 101, bytes flow both ways
 * between the client connection and the upstream until either side ends. The upstream-to-client direction runs on
 * the connection's thread, the other on a virtual thread of its own; either ending closes the upstream, and the
 * connection's thread returning ends the client connection.
 */
final class ClientTunnel {
    private static final int BUFFER = 16 * 1024;

    private final DataReader reader;
    private final DataWriter writer;
    private volatile long lastActivityNanos = System.nanoTime();

    ClientTunnel(DataReader reader, DataWriter writer) {
        this.reader = reader;
        this.writer = writer;
    }

    /** Time since bytes last moved either way. */
    long idleNanos() {
        return System.nanoTime() - lastActivityNanos;
    }

    /**
     * Relays bytes until either side ends; returns when the upstream's side has ended.
     *
     * @param closeUpstream closes the upstream connection (called once either side ends)
     */
    void relay(InputStream fromUpstream, OutputStream toUpstream, Runnable closeUpstream) {
        Thread clientToUpstream = Thread.ofVirtual().name("zeroserve-tunnel").start(() -> {
            try {
                while (true) {
                    if (reader.available() == 0) {
                        reader.pullData(); // throws when the client's side ends
                    }
                    toUpstream.write(reader.readBytes(reader.available()));
                    toUpstream.flush();
                    lastActivityNanos = System.nanoTime();
                }
            } catch (IOException | RuntimeException e) {
                // Either side ended: the tunnel is over.
            } finally {
                closeUpstream.run();
            }
        });
        byte[] buffer = new byte[BUFFER];
        try {
            int n;
            while ((n = fromUpstream.read(buffer)) >= 0) {
                writer.writeNow(BufferData.create(Arrays.copyOf(buffer, n)));
                lastActivityNanos = System.nanoTime();
            }
        } catch (IOException | RuntimeException e) {
            // Either side ended: the tunnel is over.
        } finally {
            closeUpstream.run();
        }
        // Returning ends the client connection, which ends clientToUpstream's read.
        clientToUpstream.interrupt();
    }
}
