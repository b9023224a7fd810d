package io.zeroserve.script;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * zeroserve's request path normalization: {@code //} collapses, segments are percent-decoded, {@code .} is
 * dropped, {@code ..} pops (and is an error at the root), a decoded {@code /} or invalid UTF-8 is an error.
 */
final class PathNormalizer {
    /**
     * @param path     the normalized path keeping the client's escapes, with a leading {@code /} and the trailing
     *                 {@code /} kept ({@code zs_req_path})
     * @param key      the decoded relative path used for static lookup, no leading {@code /}
     * @param dirHint  the raw path was {@code /} or ended in {@code /}
     */
    record Normalized(String path, String key, boolean dirHint) {
        String normalizedPath() {
            return "/" + key;
        }
    }

    private PathNormalizer() {
    }

    /** Returns null when the path cannot be normalized (the server answers 400). */
    static Normalized normalize(String raw) {
        if (raw == null || raw.isEmpty()) {
            raw = "/";
        }
        if (isPlain(raw)) {
            // Already normal: nothing to collapse, decode or pop, so the path is the raw path.
            boolean dirHint = raw.endsWith("/");
            return new Normalized(raw, raw.substring(1, raw.length() - (dirHint && raw.length() > 1 ? 1 : 0)),
                    dirHint);
        }
        return normalizeSegments(raw);
    }

    /**
     * A path that normalizes to itself: starts with {@code /}, no {@code %}, no empty segment except a final one
     * after a trailing {@code /}, and no {@code .} or {@code ..} segment.
     */
    static boolean isPlain(String raw) {
        if (raw.charAt(0) != '/') {
            return false;
        }
        int n = raw.length();
        int segStart = 1;
        for (int i = 1; i <= n; i++) {
            char ch = i < n ? raw.charAt(i) : '/';
            if (ch == '%') {
                return false;
            }
            if (ch != '/') {
                continue;
            }
            int len = i - segStart;
            if (len == 0 ? i < n : len <= 2 && raw.charAt(segStart) == '.'
                    && (len == 1 || raw.charAt(segStart + 1) == '.')) {
                return false; // "//", "/./" or "/../"
            }
            segStart = i + 1;
        }
        return true;
    }

    /** The general case, segment by segment. */
    static Normalized normalizeSegments(String raw) {
        boolean dirHint = raw.equals("/") || raw.endsWith("/");
        List<String> encoded = new ArrayList<>();
        List<String> decoded = new ArrayList<>();
        for (String segment : raw.split("/")) {
            if (segment.isEmpty()) {
                continue;
            }
            String plain = decodeSegment(segment);
            if (plain == null || plain.indexOf('/') >= 0) {
                return null;
            }
            if (plain.equals(".")) {
                continue;
            }
            if (plain.equals("..")) {
                if (decoded.isEmpty()) {
                    return null;
                }
                decoded.removeLast();
                encoded.removeLast();
                continue;
            }
            encoded.add(segment);
            decoded.add(plain);
        }
        String path = "/" + String.join("/", encoded) + (dirHint && !encoded.isEmpty() ? "/" : "");
        return new Normalized(path, String.join("/", decoded), dirHint);
    }

    /** Percent-decodes one segment; null on a bad escape or invalid UTF-8. A '%' near the end stays literal. */
    static String decodeSegment(String segment) {
        if (segment.indexOf('%') < 0) {
            return segment;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(segment.length());
        byte[] bytes = segment.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            byte b = bytes[i];
            if (b == '%' && i + 2 < bytes.length) {
                int hi = Character.digit(bytes[i + 1], 16);
                int lo = Character.digit(bytes[i + 2], 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else {
                out.write(b);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(out.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
