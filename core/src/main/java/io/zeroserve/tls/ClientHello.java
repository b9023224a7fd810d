package io.zeroserve.tls;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The fields of a TLS ClientHello that the server looks at before and besides BoringSSL: cipher suites,
 * extensions in wire order, SNI, ALPN, supported versions and signature algorithms (RFC 8446 section 4.1.2).
 *
 * @param legacyVersion       the {@code legacy_version} field, e.g. 0x0303
 * @param cipherSuites        in the client's order, GREASE included
 * @param extensionTypes      in the client's order, GREASE included
 * @param serverName          the {@code host_name} of server_name (0x0000), or null
 * @param alpn                the protocol names of application_layer_protocol_negotiation (0x0010), in order
 * @param supportedVersions   supported_versions (0x002b), in order, GREASE included
 * @param signatureAlgorithms signature_algorithms (0x000d), in order
 */
public record ClientHello(int legacyVersion, int[] cipherSuites, int[] extensionTypes, String serverName,
                          List<String> alpn, int[] supportedVersions, int[] signatureAlgorithms) {

    public static final int EXT_SERVER_NAME = 0x0000;
    public static final int EXT_SIGNATURE_ALGORITHMS = 0x000d;
    public static final int EXT_ALPN = 0x0010;
    public static final int EXT_SUPPORTED_VERSIONS = 0x002b;
    /** encrypted_client_hello, draft-ietf-tls-esni-13 and RFC 9849. */
    public static final int EXT_ECH = 0xfe0d;

    /** True for the RFC 8701 GREASE values 0x0a0a, 0x1a1a, ... 0xfafa. */
    public static boolean isGrease(int value) {
        return (value & 0x0f0f) == 0x0a0a && (value >> 8) == (value & 0xff);
    }

    /** True if the client offered extension {@code type}. */
    public boolean hasExtension(int type) {
        for (int t : extensionTypes) {
            if (t == type) {
                return true;
            }
        }
        return false;
    }

    /**
     * Parses a ClientHello message body (after the 4-byte handshake header).
     *
     * @throws IllegalArgumentException if the bytes are not a well-formed ClientHello; the message says where
     */
    public static ClientHello parse(byte[] body) {
        Reader r = new Reader(body, 0, body.length);
        int legacyVersion = r.u16("legacy_version");
        r.skip(32, "random");
        r.skip(r.u8("session_id length"), "session_id");
        int cipherBytes = r.u16("cipher_suites length");
        if (cipherBytes % 2 != 0) {
            throw new IllegalArgumentException("ClientHello: odd cipher_suites length " + cipherBytes);
        }
        int[] ciphers = new int[cipherBytes / 2];
        for (int i = 0; i < ciphers.length; i++) {
            ciphers[i] = r.u16("cipher suite");
        }
        r.skip(r.u8("compression_methods length"), "compression_methods");
        List<Integer> types = new ArrayList<>();
        String sni = null;
        List<String> alpn = List.of();
        int[] versions = new int[0];
        int[] sigAlgs = new int[0];
        if (r.remaining() > 0) {
            int extBytes = r.u16("extensions length");
            Reader exts = r.sub(extBytes, "extensions");
            while (exts.remaining() > 0) {
                int type = exts.u16("extension type");
                Reader data = exts.sub(exts.u16("extension length"), "extension 0x" + Integer.toHexString(type));
                types.add(type);
                switch (type) {
                    case EXT_SERVER_NAME -> sni = parseServerName(data);
                    case EXT_ALPN -> alpn = parseAlpn(data);
                    case EXT_SUPPORTED_VERSIONS -> versions = parseU16List(data, data.u8("supported_versions length"));
                    case EXT_SIGNATURE_ALGORITHMS ->
                            sigAlgs = parseU16List(data, data.u16("signature_algorithms length"));
                    default -> {
                    }
                }
            }
        }
        return new ClientHello(legacyVersion, ciphers, types.stream().mapToInt(Integer::intValue).toArray(), sni,
                alpn, versions, sigAlgs);
    }

    private static String parseServerName(Reader data) {
        Reader list = data.sub(data.u16("server_name_list length"), "server_name_list");
        while (list.remaining() > 0) {
            int nameType = list.u8("name_type");
            int len = list.u16("host_name length");
            byte[] name = list.bytes(len, "host_name");
            if (nameType == 0) {
                return new String(name, StandardCharsets.US_ASCII);
            }
        }
        return null;
    }

    private static List<String> parseAlpn(Reader data) {
        Reader list = data.sub(data.u16("protocol_name_list length"), "protocol_name_list");
        List<String> names = new ArrayList<>();
        while (list.remaining() > 0) {
            names.add(new String(list.bytes(list.u8("protocol name length"), "protocol name"),
                    StandardCharsets.ISO_8859_1));
        }
        return List.copyOf(names);
    }

    private static int[] parseU16List(Reader data, int bytes) {
        Reader list = data.sub(bytes, "list");
        int[] out = new int[bytes / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = list.u16("list entry");
        }
        return out;
    }

    /** Bounds-checked big-endian reader over a slice. */
    private static final class Reader {
        private final byte[] buf;
        private int pos;
        private final int end;

        Reader(byte[] buf, int pos, int end) {
            this.buf = buf;
            this.pos = pos;
            this.end = end;
        }

        int remaining() {
            return end - pos;
        }

        private void need(int n, String what) {
            if (n < 0 || n > end - pos) {
                throw new IllegalArgumentException("ClientHello truncated in " + what + " (need " + n
                        + " bytes at offset " + pos + ", have " + (end - pos) + ")");
            }
        }

        int u8(String what) {
            need(1, what);
            return buf[pos++] & 0xff;
        }

        int u16(String what) {
            need(2, what);
            int v = ((buf[pos] & 0xff) << 8) | (buf[pos + 1] & 0xff);
            pos += 2;
            return v;
        }

        void skip(int n, String what) {
            need(n, what);
            pos += n;
        }

        byte[] bytes(int n, String what) {
            need(n, what);
            byte[] out = java.util.Arrays.copyOfRange(buf, pos, pos + n);
            pos += n;
            return out;
        }

        Reader sub(int n, String what) {
            need(n, what);
            Reader r = new Reader(buf, pos, pos + n);
            pos += n;
            return r;
        }
    }
}
