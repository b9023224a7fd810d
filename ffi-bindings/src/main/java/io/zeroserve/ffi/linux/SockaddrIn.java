package io.zeroserve.ffi.linux;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * {@code netinet/in.h}:
 * <pre>
 * struct sockaddr_in {
 *     sa_family_t    sin_family;   // AF_INET
 *     in_port_t      sin_port;     // network byte order
 *     struct in_addr sin_addr;     // network byte order
 *     unsigned char  sin_zero[8];
 * };                               // 16 bytes
 * </pre>
 */
public final class SockaddrIn {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            ValueLayout.JAVA_SHORT.withName("sin_family"),
            ValueLayout.JAVA_SHORT.withOrder(java.nio.ByteOrder.BIG_ENDIAN).withName("sin_port"),
            MemoryLayout.sequenceLayout(4, ValueLayout.JAVA_BYTE).withName("sin_addr"),
            MemoryLayout.sequenceLayout(8, ValueLayout.JAVA_BYTE).withName("sin_zero"))
            .withName("sockaddr_in");
    public static final long sin_family = LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("sin_family"));
    public static final long sin_port = LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("sin_port"));
    public static final long sin_addr = LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("sin_addr"));
    private static final VarHandle PORT = LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("sin_port"));

    private SockaddrIn() {
    }

    /** Writes {@code address} (an IPv4 address) into {@code s}, which must hold {@link #LAYOUT}. */
    public static void write(MemorySegment s, InetSocketAddress address) {
        s.fill((byte) 0);
        s.set(ValueLayout.JAVA_SHORT, sin_family, (short) LibC.AF_INET);
        PORT.set(s, 0L, (short) address.getPort());
        MemorySegment.copy(address.getAddress().getAddress(), 0, s, ValueLayout.JAVA_BYTE, sin_addr, 4);
    }

    public static InetSocketAddress read(MemorySegment s) {
        byte[] ip = new byte[4];
        MemorySegment.copy(s, ValueLayout.JAVA_BYTE, sin_addr, ip, 0, 4);
        int port = Short.toUnsignedInt((short) PORT.get(s, 0L));
        try {
            return new InetSocketAddress((Inet4Address) InetAddress.getByAddress(ip), port);
        } catch (UnknownHostException e) {
            throw new AssertionError(e); // 4 bytes are always a valid address
        }
    }
}
