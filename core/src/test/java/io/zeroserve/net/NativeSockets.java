package io.zeroserve.net;

import io.zeroserve.ffi.linux.LibC;
import io.zeroserve.ffi.linux.NativeException;
import io.zeroserve.ffi.linux.Sockaddrs;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;

/** Raw sockets made without the JDK, standing in for ones a parent process (systemd, a supervisor) passes down. */
final class NativeSockets {
    private NativeSockets() {
    }

    static int socket() throws IOException {
        int fd = LibC.socket(LibC.AF_INET, LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw new NativeException("socket", fd);
        }
        return fd;
    }

    /** A blocking, listening IPv4 socket bound to {@code address}; the caller owns the returned fd. */
    static int listeningSocket(InetSocketAddress address, int backlog) throws IOException {
        int fd = socket();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sa = arena.allocate(Sockaddrs.SOCKADDR_STORAGE_SIZE, 8);
            int len = Sockaddrs.write(sa, address);
            MemorySegment one = arena.allocate(ValueLayout.JAVA_INT);
            one.set(ValueLayout.JAVA_INT, 0, 1);
            int rc = LibC.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_REUSEADDR, one, 4);
            if (rc < 0) {
                throw new NativeException("setsockopt", rc);
            }
            rc = LibC.bind(fd, sa, len);
            if (rc < 0) {
                throw new NativeException("bind", rc);
            }
            rc = LibC.listen(fd, backlog);
            if (rc < 0) {
                throw new NativeException("listen", rc);
            }
            return fd;
        } catch (IOException | RuntimeException e) {
            LibC.close(fd);
            throw e;
        }
    }
}
