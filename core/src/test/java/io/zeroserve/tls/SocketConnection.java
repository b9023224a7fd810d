package io.zeroserve.tls;

import io.zeroserve.net.Connection;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Arrays;

/** Test transport: a blocking NIO socket as a {@link Connection} (the real transports live in net/). */
final class SocketConnection implements Connection {
    private final SocketChannel channel;
    private final ByteBuffer readBuffer = ByteBuffer.allocate(16384);
    private volatile boolean eof;

    SocketConnection(SocketChannel channel) {
        this.channel = channel;
    }

    @Override
    public byte[] read() throws IOException {
        readBuffer.clear();
        int n = channel.read(readBuffer);
        if (n < 0) {
            eof = true;
            return null;
        }
        return Arrays.copyOf(readBuffer.array(), n);
    }

    @Override
    public synchronized void write(byte[] data, int offset, int length) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(data, offset, length);
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
    }

    @Override
    public InetSocketAddress remoteAddress() {
        try {
            return (InetSocketAddress) channel.getRemoteAddress();
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public InetSocketAddress localAddress() {
        try {
            return (InetSocketAddress) channel.getLocalAddress();
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen() && !eof;
    }

    @Override
    public void shutdownOutput() throws IOException {
        channel.shutdownOutput();
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // closing: nothing left to do
        }
    }
}
