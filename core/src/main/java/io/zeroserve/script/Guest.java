package io.zeroserve.script;

import io.zeroserve.ebpf.GuestMemory;
import io.zeroserve.ebpf.HelperException;

import java.nio.charset.StandardCharsets;

/** Reading arguments from and writing results to guest memory, with zeroserve's conventions. */
final class Guest {
    private Guest() {
    }

    /** A UTF-8 string argument; invalid UTF-8 or a bad range is a hard failure. Length 0 touches no memory. */
    static String str(GuestMemory m, long ptr, long len) throws HelperException {
        if (len == 0) {
            return "";
        }
        return m.readUtf8(ptr, len);
    }

    /** A byte argument. Length 0 touches no memory. */
    static byte[] bytes(GuestMemory m, long ptr, long len) throws HelperException {
        if (len == 0) {
            return new byte[0];
        }
        return m.read(ptr, len);
    }

    /**
     * snprintf-style C-string output: at most {@code outLen-1} bytes then a NUL. Returns
     * {@code min(value.length, outLen)}, so 0 when {@code outLen} is 0 and {@code outLen} when it may have been
     * truncated. The whole {@code [out, out+outLen)} must be writable.
     */
    static long cstr(GuestMemory m, long out, long outLen, byte[] value) throws HelperException {
        if (outLen == 0) {
            return 0;
        }
        // out_len is unsigned: anything at or above 2^63 is simply too large and fails the range check below.
        boolean fits = outLen < 0 || outLen > value.length;
        int n = fits ? value.length : (int) (outLen - 1);
        if (outLen < 0 || outLen > n + 1) {
            // The whole buffer must be writable (as in zeroserve); claim the part not written, then write the rest.
            m.checkWritable(out + n + 1, outLen - n - 1);
        }
        byte[] buf = new byte[n + 1];
        System.arraycopy(value, 0, buf, 0, n);
        m.write(out, buf);
        return fits ? value.length : outLen;
    }

    static long cstr(GuestMemory m, long out, long outLen, String value) throws HelperException {
        return cstr(m, out, outLen, value.getBytes(StandardCharsets.UTF_8));
    }

    /** Returns a checked non-negative int length, or fails. */
    static int len(long len, String what) throws HelperException {
        if (len < 0 || len > Integer.MAX_VALUE) {
            throw new HelperException(what + " length out of range: " + Long.toUnsignedString(len));
        }
        return (int) len;
    }
}
