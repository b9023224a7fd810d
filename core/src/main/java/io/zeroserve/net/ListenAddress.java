package io.zeroserve.net;

import java.net.InetSocketAddress;

/**
 * Where to listen: a host and port to bind, or an inherited, already-bound socket ({@code fd:N}).
 */
public sealed interface ListenAddress {
    record Bind(InetSocketAddress address) implements ListenAddress {
        @Override
        public String toString() {
            return address.getHostString() + ":" + address.getPort();
        }
    }

    record InheritedFd(int fd) implements ListenAddress {
        @Override
        public String toString() {
            return "fd:" + fd;
        }
    }

    /**
     * Parses zeroserve's {@code --addr} syntax: {@code HOST:PORT}, {@code [V6]:PORT} or {@code fd:N}.
     *
     * @throws IllegalArgumentException with a message naming the bad part
     */
    static ListenAddress parse(String text) {
        if (text.startsWith("fd:")) {
            try {
                int fd = Integer.parseInt(text.substring(3));
                if (fd < 0) {
                    throw new NumberFormatException();
                }
                return new InheritedFd(fd);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad address '" + text + "': fd:N needs a file descriptor number");
            }
        }
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("bad address '" + text + "': expected HOST:PORT or fd:N");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad address '" + text + "': port is not a number");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("bad address '" + text + "': port out of range");
        }
        if (host.isEmpty()) {
            host = "0.0.0.0";
        }
        return new Bind(new InetSocketAddress(host, port));
    }
}
