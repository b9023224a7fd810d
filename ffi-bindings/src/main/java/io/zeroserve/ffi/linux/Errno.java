package io.zeroserve.ffi.linux;

/**
 * Linux errno values ({@code asm-generic/errno-base.h}, {@code asm-generic/errno.h}) and the one helper that turns a
 * failed call into the house message {@code <call>: <ERRNO_NAME> (<n>)}.
 */
public final class Errno {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EFAULT = 14;
    public static final int EBUSY = 16;
    public static final int EINVAL = 22;
    public static final int ENFILE = 23;
    public static final int EMFILE = 24;
    public static final int EPIPE = 32;
    public static final int ENOSYS = 38;
    public static final int ENOTSOCK = 88;
    public static final int EOPNOTSUPP = 95;
    public static final int EADDRINUSE = 98;
    public static final int ECONNABORTED = 103;
    public static final int ECONNRESET = 104;
    public static final int ENOBUFS = 105;
    public static final int ENOTCONN = 107;
    public static final int ETIMEDOUT = 110;
    public static final int ECONNREFUSED = 111;
    public static final int EALREADY = 114;
    public static final int ECANCELED = 125;

    private Errno() {
    }

    /** {@code "EAGAIN"} for 11 (sign ignored), or {@code "errno 4242"} when libc does not know the number. */
    public static String name(int errno) {
        int n = Math.abs(errno);
        String name = LibC.strerrorname_np(n);
        return name != null ? name : "errno " + n;
    }

    /** {@code "io_uring_setup: EPERM (1)"} for {@code message("io_uring_setup", -1)}; sign of {@code errno} ignored. */
    public static String message(String call, int errno) {
        int n = Math.abs(errno);
        return call + ": " + name(n) + " (" + n + ")";
    }
}
