package io.zeroserve.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * JA4 against ClientHellos captured on the wire (TLS records as sent; files under test resources), with the
 * expected fingerprints derived by hand from the bytes, step by step, as FoxIO's specification describes.
 */
class Ja4Test {
    /** Reads a captured hello and strips the 5-byte record header and 4-byte handshake header. */
    private static byte[] helloBody(String resource) throws IOException {
        try (InputStream in = Ja4Test.class.getResourceAsStream(resource)) {
            byte[] records = HexFormat.of().parseHex(new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip());
            return Arrays.copyOfRange(records, 9, records.length);
        }
    }

    /**
     * {@code curl -k --http2 https://localhost:PORT/} (curl 7.88.1, OpenSSL 3.0, Debian 12), captured raw.
     *
     * <pre>
     * a: "t" TCP; supported_versions offers 0304,0303,0302,0301 -> "13"; SNI "localhost" present -> "d";
     *    31 cipher suites (no GREASE) -> "31"; 12 extensions:
     *    0000 sni, 000b ec_point_formats, 000a groups, 0010 alpn, 0016 encrypt_then_mac, 0017 ems,
     *    0031 post_handshake_auth, 000d sig_algs, 002b versions, 002d psk_modes, 0033 key_share, 0015 padding
     *    -> "12"; first ALPN value "h2" -> "h2".                                 a = t13d3112h2
     * b: sha256("002f,0033,0035,0039,003c,003d,0067,006b,009c,009d,009e,009f,00ff,1301,1302,1303,c009,c00a,
     *    c013,c014,c023,c024,c027,c028,c02b,c02c,c02f,c030,cca8,cca9,ccaa")[0:12]   b = e8f1e7e78f70
     * c: extensions sorted without 0000 and 0010, "_", signature algorithms in wire order:
     *    sha256("000a,000b,000d,0015,0016,0017,002b,002d,0031,0033_0403,0503,0603,0807,0808,0809,080a,080b,
     *    0804,0805,0806,0401,0501,0601,0303,0301,0302,0402,0502,0602")[0:12]      c = b26ce05bbdd6
     * </pre>
     */
    @Test
    void curl() throws IOException {
        byte[] body = helloBody("clienthello-curl-7.88.1.hex");
        assertEquals("t13d3112h2_e8f1e7e78f70_b26ce05bbdd6", Ja4.of(body));
        assertEquals("e8f1e7e78f70", Ja4.hash12("002f,0033,0035,0039,003c,003d,0067,006b,009c,009d,009e,009f,00ff,"
                + "1301,1302,1303,c009,c00a,c013,c014,c023,c024,c027,c028,c02b,c02c,c02f,c030,cca8,cca9,ccaa"));
        assertEquals("b26ce05bbdd6", Ja4.hash12("000a,000b,000d,0015,0016,0017,002b,002d,0031,0033_0403,0503,"
                + "0603,0807,0808,0809,080a,080b,0804,0805,0806,0401,0501,0601,0303,0301,0302,0402,0502,0602"));
        assertEquals("localhost", ClientHello.parse(body).serverName());
    }

    /**
     * The JDK 25 {@code java.net.http.HttpClient} (default HTTP/2) to {@code https://localhost:PORT/}.
     *
     * <pre>
     * a: versions 0304,0303 -> "13"; SNI -> "d"; 31 suites; 13 extensions: 0000, 0005 status_request,
     *    000a, 000b, 0010, 0011 status_request_v2, 0017, 0023 session_ticket, 000d, 002b, 002d,
     *    0032 signature_algorithms_cert, 0033; ALPN "h2".                          a = t13d3113h2
     * b: sha256("0032,0033,0038,0039,0040,0067,006a,006b,009e,009f,00a2,00a3,00ff,1301,1302,1303,c009,c00a,
     *    c013,c014,c023,c024,c027,c028,c02b,c02c,c02f,c030,cca8,cca9,ccaa")[0:12]   b = 1d947a95fc68
     * c: sha256("0005,000a,000b,000d,0011,0017,0023,002b,002d,0032,0033_0403,0503,0603,0807,0808,0804,0805,
     *    0806,0809,080a,080b,0401,0501,0601,0402,0303,0301,0302")[0:12]           c = 7e1102d2036b
     *    (signature_algorithms_cert 0032 is counted as an extension but its list is not used)
     * </pre>
     */
    @Test
    void jdkHttpClient() throws IOException {
        assertEquals("t13d3113h2_1d947a95fc68_7e1102d2036b", Ja4.of(helloBody("clienthello-jdk-25-httpclient.hex")));
        assertEquals("1d947a95fc68", Ja4.hash12("0032,0033,0038,0039,0040,0067,006a,006b,009e,009f,00a2,00a3,00ff,"
                + "1301,1302,1303,c009,c00a,c013,c014,c023,c024,c027,c028,c02b,c02c,c02f,c030,cca8,cca9,ccaa"));
    }

    /** GREASE (RFC 8701) is dropped from suites, extensions and versions; no SNI gives "i". */
    @Test
    void greaseIgnoredAndNoSni() {
        byte[] body = hello(new int[] {0x0a0a, 0x1301, 0x1302},
                ext(0x1a1a, new byte[0]),
                ext(0x002b, new byte[] {4, 0x3a, 0x3a, 0x03, 0x04}),
                ext(0x0010, alpnList("http/1.1")));
        // a: 13 from supported_versions (3a3a skipped), i (no SNI), 2 suites, 2 extensions, "h1".
        // b: sha256("1301,1302"); c: sha256("002b") with no signature algorithms and so no underscore.
        assertEquals("t13i0202h1_" + Ja4.hash12("1301,1302") + "_" + Ja4.hash12("002b"), Ja4.of(body));
    }

    /** A first ALPN value that starts or ends with a non-alphanumeric byte: first and last hex digit instead. */
    @Test
    void nonAlphanumericAlpnUsesHexDigits() {
        byte[] body = hello(new int[] {0x1301}, ext(0x0010, alpnList("\u00ab" + "x" + "\u00cd")));
        // hex of ab 78 cd -> "ab78cd": first 'a', last 'd'.
        assertTrue(Ja4.of(body).startsWith("t12i0101ad_"), Ja4.of(body));
    }

    @Test
    void noExtensionsAtAll() {
        byte[] body = hello(new int[] {0x1301});
        assertEquals("t12i010000_" + Ja4.hash12("1301") + "_000000000000", Ja4.of(body));
    }

    @Test
    void truncatedHelloIsRejectedWithAPosition() {
        byte[] body = Arrays.copyOf(hello(new int[] {0x1301}), 40);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClientHello.parse(body));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    /** The collector reassembles a hello split across TLS records and across reads. */
    @Test
    void collectorReassemblesFragments() throws Exception {
        byte[] body = helloBody("clienthello-curl-7.88.1.hex");
        byte[] message = new byte[body.length + 4];
        message[0] = 1;
        message[1] = (byte) (body.length >> 16);
        message[2] = (byte) (body.length >> 8);
        message[3] = (byte) body.length;
        System.arraycopy(body, 0, message, 4, body.length);
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        for (int pos = 0; pos < message.length; pos += 100) {
            int n = Math.min(100, message.length - pos);
            wire.write(new byte[] {0x16, 0x03, 0x01, (byte) (n >> 8), (byte) n}, 0, 5);
            wire.write(message, pos, n);
        }
        byte[] all = wire.toByteArray();
        HelloCollector collector = new HelloCollector();
        for (int pos = 0; pos < all.length; pos += 7) {
            collector.feed(Arrays.copyOfRange(all, pos, Math.min(all.length, pos + 7)));
        }
        assertTrue(collector.done());
        assertEquals("t13d3112h2_e8f1e7e78f70_b26ce05bbdd6", Ja4.of(collector.hello()));

        HelloCollector garbage = new HelloCollector();
        TlsHandshakeException e = assertThrows(TlsHandshakeException.class,
                () -> garbage.feed("GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertTrue(e.getMessage().contains("plain HTTP"), e.getMessage());
        assertNull(garbage.hello());
    }

    // ---- synthetic ClientHello bodies

    private static byte[] alpnList(String... names) {
        ByteArrayOutputStream list = new ByteArrayOutputStream();
        for (String n : names) {
            byte[] b = n.getBytes(StandardCharsets.ISO_8859_1);
            list.write(b.length);
            list.writeBytes(b);
        }
        byte[] l = list.toByteArray();
        byte[] out = new byte[l.length + 2];
        out[0] = (byte) (l.length >> 8);
        out[1] = (byte) l.length;
        System.arraycopy(l, 0, out, 2, l.length);
        return out;
    }

    private static byte[] ext(int type, byte[] data) {
        byte[] out = new byte[data.length + 4];
        out[0] = (byte) (type >> 8);
        out[1] = (byte) type;
        out[2] = (byte) (data.length >> 8);
        out[3] = (byte) data.length;
        System.arraycopy(data, 0, out, 4, data.length);
        return out;
    }

    /** legacy_version 0303, zero random, empty session id, the suites, null compression, the extensions. */
    private static byte[] hello(int[] suites, byte[]... extensions) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(3);
        b.write(3);
        b.writeBytes(new byte[32]);
        b.write(0);
        b.write((suites.length * 2) >> 8);
        b.write(suites.length * 2);
        for (int s : suites) {
            b.write(s >> 8);
            b.write(s);
        }
        b.write(1);
        b.write(0);
        if (extensions.length > 0) {
            int len = Arrays.stream(extensions).mapToInt(e -> e.length).sum();
            b.write(len >> 8);
            b.write(len);
            for (byte[] e : extensions) {
                b.writeBytes(e);
            }
        }
        return b.toByteArray();
    }
}
