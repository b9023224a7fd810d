package io.zeroserve.ffi.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.InetSocketAddress;

/** Reads and writes {@code struct sockaddr_storage}-sized buffers holding either {@link SockaddrIn} or {@link SockaddrIn6}. */
public final class Sockaddrs {
    /** {@code sizeof(struct sockaddr_storage)} */
    public static final int SOCKADDR_STORAGE_SIZE = 128;

    private Sockaddrs() {
    }

    /** Decodes by {@code sa_family}; null for families other than AF_INET and AF_INET6 (e.g. AF_UNIX). */
    public static InetSocketAddress read(MemorySegment s) {
        int family = s.get(ValueLayout.JAVA_SHORT, 0);
        return switch (family) {
            case LibC.AF_INET -> SockaddrIn.read(s);
            case LibC.AF_INET6 -> SockaddrIn6.read(s);
            default -> null;
        };
    }

    /** Writes {@code address} in its own family into {@code s}; returns the length to pass as {@code socklen_t}. */
    public static int write(MemorySegment s, InetSocketAddress address) {
        if (address.getAddress() instanceof Inet4Address) {
            SockaddrIn.write(s, address);
            return (int) SockaddrIn.LAYOUT.byteSize();
        }
        SockaddrIn6.write(s, address);
        return (int) SockaddrIn6.LAYOUT.byteSize();
    }

    /** {@code getsockname(fd)}, or {@code null} when the socket is not an inet socket. */
    public static InetSocketAddress localAddress(int fd) throws NativeException {
        return name(fd, true);
    }

    /** {@code getpeername(fd)}, or {@code null} when the socket is not an inet socket. */
    public static InetSocketAddress remoteAddress(int fd) throws NativeException {
        return name(fd, false);
    }

    private static InetSocketAddress name(int fd, boolean local) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment addr = arena.allocate(SOCKADDR_STORAGE_SIZE, 8);
            MemorySegment len = arena.allocate(ValueLayout.JAVA_INT);
            len.set(ValueLayout.JAVA_INT, 0, SOCKADDR_STORAGE_SIZE);
            int rc = local ? LibC.getsockname(fd, addr, len) : LibC.getpeername(fd, addr, len);
            if (rc < 0) {
                throw new NativeException(local ? "getsockname" : "getpeername", rc);
            }
            return read(addr);
        }
    }
}
