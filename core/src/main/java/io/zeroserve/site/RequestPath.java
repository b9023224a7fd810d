package io.zeroserve.site;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A request path normalized by zeroserve's rules.
 *
 * @param key           the decoded path relative to the site root, segments joined by {@code /}; {@code ""} is the
 *                      root
 * @param directoryHint the raw path was {@code /} or ended in {@code /}
 */
public record RequestPath(String key, boolean directoryHint) {
    /**
     * Normalizes a raw (still percent-encoded) path without query: empty becomes {@code /}; empty segments are
     * dropped; each segment is percent-decoded; {@code .} is dropped; {@code ..} pops a segment.
     *
     * @return the path, or null when zeroserve answers 400: {@code ..} above the root, a bad escape ({@code %} with
     *         two non-hex characters), a decoded {@code /}, or non-UTF-8 after decoding
     */
    public static RequestPath normalize(String rawPath) {
        if (rawPath.isEmpty()) {
            rawPath = "/";
        }
        boolean directoryHint = rawPath.equals("/") || rawPath.endsWith("/");
        if (rawPath.indexOf('%') < 0 && isSimple(rawPath)) {
            // Fast path for the common case: no escapes, no dot segments, no doubled slashes.
            if (rawPath.length() == 1) {
                return new RequestPath("", true);
            }
            String key = rawPath.substring(1, directoryHint ? rawPath.length() - 1 : rawPath.length());
            return new RequestPath(key, directoryHint);
        }
        List<String> segments = new ArrayList<>();
        for (String raw : rawPath.split("/")) {
            if (raw.isEmpty()) {
                continue;
            }
            String segment = decode(raw);
            if (segment == null || segment.indexOf('/') >= 0) {
                return null;
            }
            if (segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                if (segments.isEmpty()) {
                    return null;
                }
                segments.removeLast();
                continue;
            }
            segments.add(segment);
        }
        return new RequestPath(String.join("/", segments), directoryHint);
    }

    private static boolean isSimple(String path) {
        if (path.charAt(0) != '/') {
            return false;
        }
        char previous = '/';
        for (int i = 1; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '/' && previous == '/') {
                return false;
            }
            if (c == '.' && previous == '/') {
                return false;
            }
            if (c >= 0x80) {
                return false;
            }
            previous = c;
        }
        return true;
    }

    /** Percent-decodes one segment; a {@code %} too close to the end is kept literally (zeroserve's rule). */
    private static String decode(String segment) {
        if (segment.indexOf('%') < 0) {
            return segment;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(segment.length());
        byte[] raw = segment.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < raw.length; i++) {
            byte b = raw[i];
            if (b == '%' && i + 2 < raw.length) {
                int hi = Character.digit(raw[i + 1], 16);
                int lo = Character.digit(raw[i + 2], 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                bytes.write(hi << 4 | lo);
                i += 2;
            } else {
                bytes.write(b);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
