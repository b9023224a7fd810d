package io.zeroserve.script.sigv4;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * AWS Signature Version 4 (the "Signature Calculations" pages of the Amazon S3 API reference and the IAM user
 * guide): the {@code Authorization} header and query-string pre-signed URLs. Pure functions; thread-safe.
 *
 * <p>The path is used as given (already percent-encoded, S3 style: characters outside the unreserved set and
 * {@code %} are encoded once). Only the given headers are signed; include {@code host} and, for header signing,
 * {@code x-amz-date} (and {@code x-amz-content-sha256} for S3).
 */
public final class SigV4 {
    private static final DateTimeFormatter LONG_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter SHORT_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final String ALGORITHM = "AWS4-HMAC-SHA256";
    private static final HexFormat HEX = HexFormat.of();

    /**
     * @param uri         path, optionally followed by {@code ?query}
     * @param headers     header name to value, in any order and case
     * @param bodyHash    lowercase hex SHA-256 of the payload, or {@code UNSIGNED-PAYLOAD}
     * @param timestampMs signing time, Unix milliseconds
     */
    public record Request(String accessKey, String secretKey, String region, String service, String method,
                          String uri, List<Map.Entry<String, String>> headers, String bodyHash, long timestampMs) {
    }

    private SigV4() {
    }

    /** The {@code Authorization} header value (without the name). */
    public static String authorizationHeader(Request r) {
        Instant at = Instant.ofEpochMilli(Math.floorDiv(r.timestampMs(), 1000) * 1000);
        String scope = SHORT_DATE.format(at) + "/" + r.region() + "/" + r.service() + "/aws4_request";
        int q = r.uri().indexOf('?');
        String path = q < 0 ? r.uri() : r.uri().substring(0, q);
        String query = q < 0 ? "" : r.uri().substring(q + 1);
        List<String[]> headers = canonicalHeaders(r.headers());
        String signedHeaders = signedHeaders(headers);
        String canonical = canonicalRequest(r.method(), path, canonicalQuery(parseQuery(query)), headers,
                signedHeaders, r.bodyHash());
        String signature = sign(r.secretKey(), at, r.region(), r.service(), scope, canonical);
        return ALGORITHM + " Credential=" + r.accessKey() + "/" + scope + ", SignedHeaders=" + signedHeaders
                + ", Signature=" + signature;
    }

    /**
     * A pre-signed URL: the path plus a query with the request's own parameters and the {@code X-Amz-*} ones.
     * The payload is {@code UNSIGNED-PAYLOAD}; with no headers, {@code host} is declared as signed.
     */
    public static String presignedUrl(Request r, long expiresSecs) {
        Instant at = Instant.ofEpochMilli(Math.floorDiv(r.timestampMs(), 1000) * 1000);
        String scope = SHORT_DATE.format(at) + "/" + r.region() + "/" + r.service() + "/aws4_request";
        int q = r.uri().indexOf('?');
        String path = q < 0 ? r.uri() : r.uri().substring(0, q);
        List<String[]> params = parseQuery(q < 0 ? "" : r.uri().substring(q + 1));
        List<String[]> headers = canonicalHeaders(r.headers());
        String signedHeaders = headers.isEmpty() ? "host" : signedHeaders(headers);
        params.add(new String[] {"X-Amz-Algorithm", ALGORITHM});
        params.add(new String[] {"X-Amz-Credential", r.accessKey() + "/" + scope});
        params.add(new String[] {"X-Amz-Date", LONG_DATE.format(at)});
        params.add(new String[] {"X-Amz-Expires", Long.toUnsignedString(expiresSecs)});
        params.add(new String[] {"X-Amz-SignedHeaders", signedHeaders});
        String query = canonicalQuery(params);
        String canonical = canonicalRequest(r.method(), path, query, headers, signedHeaders, "UNSIGNED-PAYLOAD");
        String signature = sign(r.secretKey(), at, r.region(), r.service(), scope, canonical);
        return path + "?" + query + "&X-Amz-Signature=" + signature;
    }

    static String canonicalRequest(String method, String path, String query, List<String[]> headers,
                                   String signedHeaders, String bodyHash) {
        StringBuilder b = new StringBuilder();
        b.append(method.toUpperCase(Locale.ROOT)).append('\n');
        b.append(path.isEmpty() ? "/" : uriEncode(path, false)).append('\n');
        b.append(query).append('\n');
        for (String[] h : headers) {
            b.append(h[0]).append(':').append(h[1]).append('\n');
        }
        b.append('\n').append(signedHeaders).append('\n').append(bodyHash);
        return b.toString();
    }

    private static String sign(String secret, Instant at, String region, String service, String scope,
                               String canonical) {
        String stringToSign = ALGORITHM + "\n" + LONG_DATE.format(at) + "\n" + scope + "\n"
                + HEX.formatHex(sha256(canonical.getBytes(StandardCharsets.UTF_8)));
        byte[] key = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), SHORT_DATE.format(at));
        key = hmac(key, region);
        key = hmac(key, service);
        key = hmac(key, "aws4_request");
        return HEX.formatHex(hmac(key, stringToSign));
    }

    /** Lowercase names, values trimmed with inner runs of spaces collapsed, sorted by name; repeats joined by ','. */
    private static List<String[]> canonicalHeaders(List<Map.Entry<String, String>> headers) {
        List<String[]> out = new ArrayList<>();
        for (Map.Entry<String, String> e : headers) {
            String name = e.getKey().trim().toLowerCase(Locale.ROOT);
            String value = e.getValue().trim().replaceAll(" +", " ");
            String[] existing = out.stream().filter(h -> h[0].equals(name)).findFirst().orElse(null);
            if (existing != null) {
                existing[1] = existing[1] + "," + value;
            } else {
                out.add(new String[] {name, value});
            }
        }
        out.sort(Comparator.comparing(h -> h[0]));
        return out;
    }

    private static String signedHeaders(List<String[]> headers) {
        StringBuilder b = new StringBuilder();
        for (String[] h : headers) {
            if (!b.isEmpty()) {
                b.append(';');
            }
            b.append(h[0]);
        }
        return b.toString();
    }

    private static List<String[]> parseQuery(String query) {
        List<String[]> out = new ArrayList<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            out.add(eq < 0 ? new String[] {pair, ""} : new String[] {pair.substring(0, eq), pair.substring(eq + 1)});
        }
        return out;
    }

    /** Each name and value URI-encoded (slashes too), sorted by name then value, empty values kept as {@code k=}. */
    private static String canonicalQuery(List<String[]> params) {
        List<String[]> encoded = new ArrayList<>();
        for (String[] p : params) {
            encoded.add(new String[] {uriEncode(p[0], true), uriEncode(p[1], true)});
        }
        encoded.sort(Comparator.<String[], String>comparing(p -> p[0]).thenComparing(p -> p[1]));
        StringBuilder b = new StringBuilder();
        for (String[] p : encoded) {
            if (!b.isEmpty()) {
                b.append('&');
            }
            b.append(p[0]).append('=').append(p[1]);
        }
        return b.toString();
    }

    /**
     * URI-encodes per SigV4: unreserved characters stay, everything else becomes {@code %XX} (uppercase hex).
     * {@code %} stays too, so already-encoded input is not encoded twice.
     */
    static String uriEncode(String s, boolean encodeSlash) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (x & 0xff);
            boolean keep = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
                    || c == '-' || c == '_' || c == '.' || c == '~' || c == '%' || c == '/' && !encodeSlash;
            if (keep) {
                b.append(c);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit((x >> 4) & 0xf, 16)))
                        .append(Character.toUpperCase(Character.forDigit(x & 0xf, 16)));
            }
        }
        return b.toString();
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 unavailable", e);
        }
    }
}
