package io.zeroserve.ffi.linux;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * {@code netinet/in.h}:
 * <pre>
 * struct sockaddr_in6 {
 *     sa_family_t     sin6_family;    // AF_INET6
 *     in_port_t       sin6_port;      // network byte order
 *     uint32_t        sin6_flowinfo;
 *     struct in6_addr sin6_addr;
 *     uint32_t        sin6_scope_id;
 * };                                  // 28 bytes
 * </pre>
 */
public final class SockaddrIn6 {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            ValueLayout.JAVA_SHORT.withName("sin6_family"),
            ValueLayout.JAVA_SHORT.withOrder(java.nio.ByteOrder.BIG_ENDIAN).withName("sin6_port"),
            ValueLayout.JAVA_INT.withName("sin6_flowinfo"),
            MemoryLayout.sequenceLayout(16, ValueLayout.JAVA_BYTE).withName("sin6_addr"),
            ValueLayout.JAVA_INT.withName("sin6_scope_id"))
            .withName("sockaddr_in6");
    public static final long sin6_family = LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("sin6_family"));
    public static final long sin6_port = LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("sin6_port"));
    public static final long sin6_flowinfo =
            LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("sin6_flowinfo"));
    public static final long sin6_addr = LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("sin6_addr"));
    public static final long sin6_scope_id =
            LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("sin6_scope_id"));
    private static final VarHandle PORT = LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("sin6_port"));

    private SockaddrIn6() {
    }

    /** Writes {@code address} into {@code s} (which must hold {@link #LAYOUT}); IPv4 becomes v4-mapped. */
    public static void write(MemorySegment s, InetSocketAddress address) {
        s.fill((byte) 0);
        s.set(ValueLayout.JAVA_SHORT, sin6_family, (short) LibC.AF_INET6);
        PORT.set(s, 0L, (short) address.getPort());
        byte[] ip = address.getAddress().getAddress();
        if (ip.length == 4) {
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xff;
            mapped[11] = (byte) 0xff;
            System.arraycopy(ip, 0, mapped, 12, 4);
            ip = mapped;
        } else if (address.getAddress() instanceof Inet6Address v6) {
            s.set(ValueLayout.JAVA_INT, sin6_scope_id, v6.getScopeId());
        }
        MemorySegment.copy(ip, 0, s, ValueLayout.JAVA_BYTE, sin6_addr, 16);
    }

    public static InetSocketAddress read(MemorySegment s) {
        byte[] ip = new byte[16];
        MemorySegment.copy(s, ValueLayout.JAVA_BYTE, sin6_addr, ip, 0, 16);
        int port = Short.toUnsignedInt((short) PORT.get(s, 0L));
        int scope = s.get(ValueLayout.JAVA_INT, sin6_scope_id);
        try {
            // getByAddress turns a v4-mapped address into an Inet4Address, which is what callers want to see.
            InetAddress a = scope != 0 ? Inet6Address.getByAddress(null, ip, scope) : InetAddress.getByAddress(ip);
            return new InetSocketAddress(a, port);
        } catch (UnknownHostException e) {
            throw new AssertionError(e); // 16 bytes are always a valid address
        }
    }
}
