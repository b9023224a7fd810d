package io.zeroserve.net.nio;

import io.zeroserve.ffi.linux.LibC;
import io.zeroserve.ffi.linux.NativeException;
import io.zeroserve.ffi.linux.Sockaddrs;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Turns an inherited listening socket ({@code fd:N}) into a {@link ServerSocketChannel}.
 *
 * <p>The JDK can wrap only fd 0 ({@link System#inheritedChannel()}), so we take a detour: open and bind a
 * throw-away channel of the same address family on an ephemeral loopback port, find its fd number by matching
 * {@code getsockname} over {@code /proc/self/fd}, and {@code dup3} the inherited socket over it. The channel then
 * accepts from the inherited socket; the original fd N is closed (the transport owns the socket from then on).
 * Because the channel still believes it is bound to the throw-away address, the real address is remembered here and
 * served by {@link #localAddress}.
 */
final class InheritedSockets {
    /** Real local addresses of adopted channels; entries go away when the listener is collected. */
    private static final Map<ServerSocketChannel, InetSocketAddress> ADOPTED =
            Collections.synchronizedMap(new WeakHashMap<>());

    private InheritedSockets() {
    }

    static ServerSocketChannel adopt(int fd) throws IOException {
        String where = "fd:" + fd;
        int acceptConn = intOption(fd, LibC.SOL_SOCKET, LibC.SO_ACCEPTCONN, where);
        if (acceptConn != 1) {
            throw new IOException(where + " is a socket but not a listening one (call listen() before passing it)");
        }
        int domain = intOption(fd, LibC.SOL_SOCKET, LibC.SO_DOMAIN, where);
        ProtocolFamily family = switch (domain) {
            case LibC.AF_INET -> StandardProtocolFamily.INET;
            case LibC.AF_INET6 -> StandardProtocolFamily.INET6;
            default -> throw new IOException(where + " is not a TCP/IP socket (address family " + domain + ")");
        };
        InetSocketAddress real = Sockaddrs.localAddress(fd);
        InetAddress loopback = family == StandardProtocolFamily.INET
                ? InetAddress.getByName("127.0.0.1") : InetAddress.getByName("::1");
        ServerSocketChannel channel = ServerSocketChannel.open(family);
        try {
            channel.bind(new InetSocketAddress(loopback, 0), 1);
            int target = findFd((InetSocketAddress) channel.getLocalAddress(), where);
            // NIO parks virtual threads on a non-blocking fd; the inherited file description may be blocking.
            int flags = LibC.fcntl(fd, LibC.F_GETFL, 0);
            if (flags < 0 || LibC.fcntl(fd, LibC.F_SETFL, flags | LibC.O_NONBLOCK) < 0) {
                throw new NativeException(where, "fcntl", flags < 0 ? flags : LibC.fcntl(fd, LibC.F_GETFL, 0));
            }
            int rc = LibC.dup3(fd, target, LibC.O_CLOEXEC);
            if (rc < 0) {
                throw new NativeException(where, "dup3", rc);
            }
            LibC.close(fd);
            ADOPTED.put(channel, real);
            return channel;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** The address the channel really listens on (for adopted channels not the one the JDK believes). */
    static InetSocketAddress localAddress(ServerSocketChannel channel) throws IOException {
        InetSocketAddress real = ADOPTED.get(channel);
        return real != null ? real : (InetSocketAddress) channel.getLocalAddress();
    }

    private static int findFd(InetSocketAddress bound, String where) throws IOException {
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path p : fds) {
                int candidate;
                try {
                    candidate = Integer.parseInt(p.getFileName().toString());
                    if (!Files.readSymbolicLink(p).toString().startsWith("socket:")) {
                        continue;
                    }
                } catch (NumberFormatException | IOException raced) {
                    continue; // the directory's own fd, or an fd closed while we looked
                }
                InetSocketAddress a;
                try {
                    a = Sockaddrs.localAddress(candidate);
                } catch (NativeException gone) {
                    continue;
                }
                if (a != null && a.getPort() == bound.getPort() && sameAddress(a.getAddress(), bound.getAddress())
                        && intOptionOrZero(candidate, LibC.SOL_SOCKET, LibC.SO_ACCEPTCONN) == 1) {
                    return candidate;
                }
            }
        }
        throw new IOException(where + ": cannot find the fd of the helper channel bound to " + bound);
    }

    private static boolean sameAddress(InetAddress a, InetAddress b) {
        return a.equals(b) || (a instanceof Inet6Address && b instanceof Inet6Address && a.isLoopbackAddress()
                && b.isLoopbackAddress());
    }

    private static int intOption(int fd, int level, int option, String where) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment len = arena.allocate(ValueLayout.JAVA_INT);
            len.set(ValueLayout.JAVA_INT, 0, 4);
            int rc = LibC.getsockopt(fd, level, option, value, len);
            if (rc < 0) {
                throw new NativeException(where, "getsockopt", rc);
            }
            return value.get(ValueLayout.JAVA_INT, 0);
        }
    }

    private static int intOptionOrZero(int fd, int level, int option) {
        try {
            return intOption(fd, level, option, "");
        } catch (IOException e) {
            return 0;
        }
    }
}
