package io.zeroserve.ebpf;

/**
 * Guest memory as a helper may touch it: guest addresses in, bounds-checked copies out.
 *
 * <p>Reads may cover the stack or the read-only data image; writes only the stack. Within one helper call, a
 * writable range may not overlap any other range that call has read or written (zeroserve's rule: {@code zs_memcpy}
 * of overlapping buffers faults instead of acting as memmove). Every violation throws {@link HelperException} with a
 * message such as {@code out of bounds read at 0x… (16 bytes)}.
 */
public interface GuestMemory {
    byte[] read(long address, long length) throws HelperException;

    /** Reads {@code length} bytes and decodes them as strict UTF-8; malformed input throws. */
    String readUtf8(long address, long length) throws HelperException;

    void write(long address, byte[] data, int offset, int length) throws HelperException;

    default void write(long address, byte[] data) throws HelperException {
        write(address, data, 0, data.length);
    }

    /**
     * Checks that {@code [address, address+length)} is writable and claims it for this call, without writing.
     * Later reads and writes that lie entirely inside a claimed writable range are the same buffer, not an
     * overlap: this is how in-place helpers ({@code zs_hex_decode_in_place}) read and rewrite their buffer.
     */
    void checkWritable(long address, long length) throws HelperException;

    long readLong(long address) throws HelperException;

    void writeLong(long address, long value) throws HelperException;

    /** Fills {@code length} bytes with {@code value}. */
    void fill(long address, long length, byte value) throws HelperException;
}
