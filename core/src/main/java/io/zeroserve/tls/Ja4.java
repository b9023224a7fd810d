package io.zeroserve.tls;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.stream.Collectors;

/**
 * The JA4 TLS client fingerprint (FoxIO, "JA4: TLS Client Fingerprint", github.com/FoxIO-LLC/ja4, technical
 * details), computed from a ClientHello as it appeared on the wire (the outer hello when ECH is used).
 *
 * <p>Shape: {@code a_b_c}, for example {@code t13d1516h2_8daaf6152771_e5627efa2ab1}.
 * <ul>
 *   <li>a: {@code t} (TCP), the highest version offered (supported_versions, else legacy_version: 13, 12, 11, 10,
 *       s3, s2), {@code d} when SNI is present and {@code i} when not, the number of cipher suites and of
 *       extensions as two digits (GREASE removed, capped at 99; SNI and ALPN counted), then the first and last
 *       character of the first ALPN value ({@code 00} without ALPN; the first and last hex digits of the value
 *       when either character is not ASCII alphanumeric).</li>
 *   <li>b: the first 12 hex digits of SHA-256 over the cipher suites as 4-digit lowercase hex, sorted, joined by
 *       commas ({@code 000000000000} when there are none).</li>
 *   <li>c: the first 12 hex digits of SHA-256 over the extension types (sorted, without SNI 0x0000 and ALPN
 *       0x0010), then {@code _} and the signature algorithms in the client's order; without signature algorithms
 *       the underscore is left out. {@code 000000000000} when no extension remains.</li>
 * </ul>
 * GREASE values (RFC 8701) are removed everywhere.
 */
public final class Ja4 {
    private static final HexFormat HEX = HexFormat.of();

    private Ja4() {
    }

    /** The JA4 string of {@code hello}, as seen over TCP. */
    public static String of(ClientHello hello) {
        int[] ciphers = Arrays.stream(hello.cipherSuites()).filter(v -> !ClientHello.isGrease(v)).toArray();
        int[] extensions = Arrays.stream(hello.extensionTypes()).filter(v -> !ClientHello.isGrease(v)).toArray();
        String a = "t" + version(hello) + (hello.serverName() != null ? "d" : "i")
                + twoDigits(ciphers.length) + twoDigits(extensions.length) + alpnChars(hello);
        String b = hash12(sortedHex(ciphers));
        int[] hashedExtensions = Arrays.stream(extensions)
                .filter(v -> v != ClientHello.EXT_SERVER_NAME && v != ClientHello.EXT_ALPN).toArray();
        String c;
        if (hashedExtensions.length == 0) {
            c = "000000000000";
        } else {
            String text = sortedHex(hashedExtensions);
            int[] sigAlgs = Arrays.stream(hello.signatureAlgorithms()).filter(v -> !ClientHello.isGrease(v)).toArray();
            if (sigAlgs.length > 0) {
                text += "_" + Arrays.stream(sigAlgs).mapToObj(Ja4::hex4).collect(Collectors.joining(","));
            }
            c = hash12(text);
        }
        return a + "_" + b + "_" + c;
    }

    /** The JA4 string of a raw ClientHello message body. */
    public static String of(byte[] clientHelloBody) {
        return of(ClientHello.parse(clientHelloBody));
    }

    private static String version(ClientHello hello) {
        int best = -1;
        for (int v : hello.supportedVersions()) {
            if (!ClientHello.isGrease(v) && v > best && v <= 0x0304) {
                best = v;
            }
        }
        int v = best >= 0 ? best : hello.legacyVersion();
        return switch (v) {
            case 0x0304 -> "13";
            case 0x0303 -> "12";
            case 0x0302 -> "11";
            case 0x0301 -> "10";
            case 0x0300 -> "s3";
            case 0x0002 -> "s2";
            default -> "00";
        };
    }

    private static String twoDigits(int n) {
        return n > 99 ? "99" : n < 10 ? "0" + n : Integer.toString(n);
    }

    private static String alpnChars(ClientHello hello) {
        if (hello.alpn().isEmpty() || hello.alpn().getFirst().isEmpty()) {
            return "00";
        }
        String first = hello.alpn().getFirst();
        char f = first.charAt(0);
        char l = first.charAt(first.length() - 1);
        if (isAlnum(f) && isAlnum(l)) {
            return "" + f + l;
        }
        String hex = HEX.formatHex(first.getBytes(StandardCharsets.ISO_8859_1));
        return "" + hex.charAt(0) + hex.charAt(hex.length() - 1);
    }

    private static boolean isAlnum(char c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    }

    private static String hex4(int v) {
        return HEX.toHexDigits((short) v);
    }

    private static String sortedHex(int[] values) {
        return Arrays.stream(values).sorted().mapToObj(Ja4::hex4).collect(Collectors.joining(","));
    }

    /** First 12 hex digits of SHA-256 of {@code text}; {@code 000000000000} for empty text. */
    static String hash12(String text) {
        if (text.isEmpty()) {
            return "000000000000";
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.US_ASCII));
            return HEX.formatHex(digest).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }
}
