package io.zeroserve.ffi.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * Downcalls into glibc ({@code unistd.h}, {@code fcntl.h}, {@code sys/socket.h}, {@code sys/mman.h},
 * {@code sys/eventfd.h}, {@code string.h}), shaped like jextract output: one static method per C function, same
 * name and argument order, C integer types mapped to {@code int}/{@code long}, pointers to {@link MemorySegment}.
 *
 * <p>Error convention (differs from C): a call that fails returns {@code -errno} instead of {@code -1}, the raw
 * kernel convention that io_uring completions also use, so callers never touch the thread's {@code errno}. The
 * {@code errno} is captured by the linker into a per-thread segment (platform threads keep theirs; a virtual
 * thread's is freed by the GC with the thread). {@link #mmap} returns {@link MemorySegment#NULL} plus
 * {@code -errno} through {@link #lastMmapError()} because a pointer cannot carry an errno.
 *
 * <p>None of these calls is marked critical: any of them may block in the kernel.
 */
public final class LibC {
    // fcntl.h / asm-generic/fcntl.h
    public static final int F_DUPFD_CLOEXEC = 1030;
    public static final int F_GETFD = 1;
    public static final int F_SETFD = 2;
    public static final int F_GETFL = 3;
    public static final int F_SETFL = 4;
    public static final int FD_CLOEXEC = 1;
    public static final int O_RDONLY = 0;
    public static final int O_NONBLOCK = 04000;
    public static final int O_CLOEXEC = 02000000;
    // sys/socket.h, bits/socket.h, asm-generic/socket.h
    public static final int AF_UNIX = 1;
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;
    public static final int SOCK_STREAM = 1;
    public static final int SOCK_NONBLOCK = 04000;
    public static final int SOCK_CLOEXEC = 02000000;
    public static final int SOL_SOCKET = 1;
    public static final int SO_REUSEADDR = 2;
    public static final int SO_TYPE = 3;
    public static final int SO_ERROR = 4;
    public static final int SO_SNDBUF = 7;
    public static final int SO_RCVBUF = 8;
    public static final int SO_KEEPALIVE = 9;
    public static final int SO_LINGER = 13;
    public static final int SO_REUSEPORT = 15;
    public static final int SO_ACCEPTCONN = 30;
    public static final int SO_DOMAIN = 39;
    public static final int SHUT_RD = 0;
    public static final int SHUT_WR = 1;
    public static final int SHUT_RDWR = 2;
    public static final int MSG_NOSIGNAL = 0x4000;
    public static final int MSG_DONTWAIT = 0x40;
    // netinet/in.h, netinet/tcp.h
    public static final int IPPROTO_TCP = 6;
    public static final int IPPROTO_IPV6 = 41;
    public static final int IPV6_V6ONLY = 26;
    public static final int TCP_NODELAY = 1;
    // sys/mman.h
    public static final int PROT_READ = 1;
    public static final int PROT_WRITE = 2;
    public static final int MAP_SHARED = 0x01;
    public static final int MAP_PRIVATE = 0x02;
    public static final int MAP_ANONYMOUS = 0x20;
    public static final int MAP_POPULATE = 0x8000;
    // sys/resource.h
    public static final int PRIO_PROCESS = 0;

    // sys/eventfd.h
    public static final int EFD_CLOEXEC = O_CLOEXEC;
    public static final int EFD_NONBLOCK = O_NONBLOCK;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final ThreadLocal<MemorySegment> CAPTURE =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CAPTURE_LAYOUT));
    private static final ThreadLocal<int[]> MMAP_ERROR = ThreadLocal.withInitial(() -> new int[1]);

    private static final MethodHandle OPEN = errnoHandle("open",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle CLOSE = errnoHandle("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle DUP = errnoHandle("dup", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle DUP2 =
            errnoHandle("dup2", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle DUP3 =
            errnoHandle("dup3", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle FCNTL = errnoHandle("fcntl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle READ =
            errnoHandle("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle WRITE =
            errnoHandle("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle SEND = errnoHandle("send",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), Linker.Option.critical(true));
    private static final MethodHandle SOCKET =
            errnoHandle("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle BIND =
            errnoHandle("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle CONNECT =
            errnoHandle("connect", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle LISTEN =
            errnoHandle("listen", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle SETSOCKOPT = errnoHandle("setsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle GETSOCKOPT = errnoHandle("getsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle GETSOCKNAME =
            errnoHandle("getsockname", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle GETPEERNAME =
            errnoHandle("getpeername", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle SHUTDOWN =
            errnoHandle("shutdown", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle MMAP = errnoHandle("mmap",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle MUNMAP =
            errnoHandle("munmap", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle EVENTFD =
            errnoHandle("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle GETTID = errnoHandle("gettid", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle SETPRIORITY =
            errnoHandle("setpriority", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle STRERRORNAME_NP = LINKER.downcallHandle(
            LIBC.find("strerrorname_np").orElseThrow(), FunctionDescriptor.of(ADDRESS, JAVA_INT));

    private LibC() {
    }

    /** {@code int open(const char *pathname, int flags, ... /* mode_t mode * /)} */
    public static int open(MemorySegment pathname, int flags, int mode) {
        try {
            return check((int) OPEN.invokeExact(capture(), pathname, flags, mode));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code int close(int fd)} */
    public static int close(int fd) {
        try {
            return check((int) CLOSE.invokeExact(capture(), fd));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code int dup(int oldfd)} */
    public static int dup(int oldfd) {
        try {
            return check((int) DUP.invokeExact(capture(), oldfd));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code int dup2(int oldfd, int newfd)} */
    public static int dup2(int oldfd, int newfd) {
        try {
            return check((int) DUP2.invokeExact(capture(), oldfd, newfd));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code int dup3(int oldfd, int newfd, int flags)} */
    public static int dup3(int oldfd, int newfd, int flags) {
        try {
            return check((int) DUP3.invokeExact(capture(), oldfd, newfd, flags));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code int fcntl(int fd, int cmd, ... /* int arg * /)}, for the integer-argument commands only. */
    public static int fcntl(int fd, int cmd, int arg) {
        try {
            return check((int) FCNTL.invokeExact(capture(), fd, cmd, arg));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code ssize_t read(int fd, void *buf, size_t count)} */
    public static long read(int fd, MemorySegment buf, long count) {
        try {
            return check((long) READ.invokeExact(capture(), fd, buf, count));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code ssize_t write(int fd, const void *buf, size_t count)} */
    public static long write(int fd, MemorySegment buf, long count) {
        try {
            return check((long) WRITE.invokeExact(capture(), fd, buf, count));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code ssize_t send(int sockfd, const void *buf, size_t len, int flags)}. Linked as a critical call, so
     * {@code buf} may be a heap segment ({@link MemorySegment#ofArray}) and is not copied; for that reason it must
     * only be used with {@link #MSG_DONTWAIT} (a critical call must not block).
     */
    public static long send(int sockfd, MemorySegment buf, long len, int flags) {
        try {
            return check((long) SEND.invokeExact(capture(), sockfd, buf, len, flags));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code int socket(int domain, int type, int protocol)} */
    public static int socket(int domain, int type, int protocol) {
        try {
            return check((int) SOCKET.invokeExact(capture(), domain, type, protocol));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code int bind(int sockfd, const struct sockaddr *addr, socklen_t addrlen)} */
    public static int bind(int sockfd, MemorySegment addr, int addrlen) {
        try {
            return check((int) BIND.invokeExact(capture(), sockfd, addr, addrlen));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code int connect(int sockfd, const struct sockaddr *addr, socklen_t addrlen)} */
    public static int connect(int sockfd, MemorySegment addr, int addrlen) {
        try {
            return check((int) CONNECT.invokeExact(capture(), sockfd, addr, addrlen));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code int listen(int sockfd, int backlog)} */
    public static int listen(int sockfd, int backlog) {
        try {
            return check((int) LISTEN.invokeExact(capture(), sockfd, backlog));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code int setsockopt(int sockfd, int level, int optname, const void *optval, socklen_t optlen)} */
    public static int setsockopt(int sockfd, int level, int optname, MemorySegment optval, int optlen) {
        try {
            return check((int) SETSOCKOPT.invokeExact(capture(), sockfd, level, optname, optval, optlen));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code int getsockopt(int sockfd, int level, int optname, void *optval, socklen_t *optlen)} */
    public static int getsockopt(int sockfd, int level, int optname, MemorySegment optval, MemorySegment optlen) {
        try {
            return check((int) GETSOCKOPT.invokeExact(capture(), sockfd, level, optname, optval, optlen));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code int getsockname(int sockfd, struct sockaddr *addr, socklen_t *addrlen)} */
    public static int getsockname(int sockfd, MemorySegment addr, MemorySegment addrlen) {
        try {
            return check((int) GETSOCKNAME.invokeExact(capture(), sockfd, addr, addrlen));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code int getpeername(int sockfd, struct sockaddr *addr, socklen_t *addrlen)} */
    public static int getpeername(int sockfd, MemorySegment addr, MemorySegment addrlen) {
        try {
            return check((int) GETPEERNAME.invokeExact(capture(), sockfd, addr, addrlen));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code int shutdown(int sockfd, int how)} */
    public static int shutdown(int sockfd, int how) {
        try {
            return check((int) SHUTDOWN.invokeExact(capture(), sockfd, how));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code void *mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset)}. Returns a segment of
     * {@code length} bytes, or {@link MemorySegment#NULL} on failure with the errno in {@link #lastMmapError()}.
     */
    public static MemorySegment mmap(MemorySegment addr, long length, int prot, int flags, int fd, long offset) {
        try {
            MemorySegment state = capture();
            MemorySegment p = (MemorySegment) MMAP.invokeExact(state, addr, length, prot, flags, fd, offset);
            if (p.address() == -1L) {
                MMAP_ERROR.get()[0] = -(int) ERRNO.get(state, 0L);
                return MemorySegment.NULL;
            }
            MMAP_ERROR.get()[0] = 0;
            return p.reinterpret(length);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The {@code -errno} of this thread's last failed {@link #mmap}, or 0 after a successful one. */
    public static int lastMmapError() {
        return MMAP_ERROR.get()[0];
    }

    /** {@code int munmap(void *addr, size_t length)} */
    public static int munmap(MemorySegment addr, long length) {
        try {
            return check((int) MUNMAP.invokeExact(capture(), addr, length));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code pid_t gettid(void)}: the calling thread's kernel id (a virtual thread's: its carrier's). */
    public static int gettid() {
        try {
            return check((int) GETTID.invokeExact(capture()));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code int setpriority(int which, id_t who, int prio)}: with {@link #PRIO_PROCESS} and a thread id, that
     * thread's nice value. Lowering it below 0 needs {@code CAP_SYS_NICE} (or {@code RLIMIT_NICE}): {@code -EACCES}.
     */
    public static int setpriority(int which, int who, int prio) {
        try {
            return check((int) SETPRIORITY.invokeExact(capture(), which, who, prio));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code int eventfd(unsigned int initval, int flags)} */
    public static int eventfd(int initval, int flags) {
        try {
            return check((int) EVENTFD.invokeExact(capture(), initval, flags));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code const char *strerrorname_np(int errnum)}: {@code "EAGAIN"} for 11, or null when unknown. */
    public static String strerrorname_np(int errnum) {
        try {
            MemorySegment p = (MemorySegment) STRERRORNAME_NP.invokeExact(errnum);
            return p.equals(MemorySegment.NULL) ? null : p.reinterpret(64).getString(0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static MethodHandle errnoHandle(String name, FunctionDescriptor descriptor, Linker.Option... extra) {
        Linker.Option[] options = new Linker.Option[extra.length + 1];
        options[0] = Linker.Option.captureCallState("errno");
        System.arraycopy(extra, 0, options, 1, extra.length);
        MemorySegment symbol = LIBC.find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no symbol " + name));
        return LINKER.downcallHandle(symbol, descriptor, options);
    }

    static MemorySegment capture() {
        return CAPTURE.get();
    }

    /** Turns C's {@code -1} plus errno into {@code -errno}; other results pass through. */
    static int check(int result) {
        return result == -1 ? -(int) ERRNO.get(CAPTURE.get(), 0L) : result;
    }

    static long check(long result) {
        return result == -1 ? -(int) ERRNO.get(CAPTURE.get(), 0L) : result;
    }

    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException("native call failed", t);
    }
}
