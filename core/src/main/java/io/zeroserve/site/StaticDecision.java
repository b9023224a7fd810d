package io.zeroserve.site;

/**
 * What to answer for a static file, given the request's conditional and range headers (zeroserve's rules):
 * If-None-Match decides alone (weak comparison, {@code *}, lists); otherwise If-Modified-Since; then a single
 * {@code bytes=} range, honoured only when If-Range (if present) matches strongly.
 *
 * @param status 200, 206, 304 or 416
 * @param start  first byte to send (206)
 * @param length number of bytes to send (200, 206)
 */
public record StaticDecision(int status, long start, long length) {
    /**
     * @param ifNoneMatch     header value or null
     * @param ifModifiedSince header value or null
     * @param range           header value or null
     * @param ifRange         header value or null
     */
    public static StaticDecision decide(TarEntry entry, String ifNoneMatch, String ifModifiedSince, String range,
                                        String ifRange) {
        if (ifNoneMatch != null) {
            if (noneMatchHits(ifNoneMatch, entry.etag())) {
                return new StaticDecision(304, 0, 0);
            }
        } else if (ifModifiedSince != null && entry.mtimeSeconds() != 0) {
            long since = HttpDates.parse(ifModifiedSince);
            if (since != Long.MIN_VALUE && entry.mtimeSeconds() <= since) {
                return new StaticDecision(304, 0, 0);
            }
        }
        if (range != null && (ifRange == null || ifRangeMatches(ifRange, entry))) {
            StaticDecision ranged = range(range, entry.size());
            if (ranged != null) {
                return ranged;
            }
        }
        return new StaticDecision(200, 0, entry.size());
    }

    private static boolean noneMatchHits(String header, String etag) {
        for (String candidate : header.split(",")) {
            String tag = candidate.trim();
            if (tag.equals("*")) {
                return true;
            }
            if (tag.startsWith("W/")) {
                tag = tag.substring(2);
            }
            if (tag.equals(etag)) {
                return true;
            }
        }
        return false;
    }

    private static boolean ifRangeMatches(String header, TarEntry entry) {
        String value = header.trim();
        if (value.isEmpty() || value.startsWith("W/")) {
            return false;
        }
        if (value.startsWith("\"") || value.equals(entry.etagHex())) {
            return value.equals(entry.etag()) || value.equals(entry.etagHex());
        }
        long date = HttpDates.parse(value);
        return date != Long.MIN_VALUE && entry.mtimeSeconds() != 0 && date == entry.mtimeSeconds();
    }

    /** @return 206 or 416, or null when the header is to be ignored (malformed, multi-range, not bytes) */
    static StaticDecision range(String header, long size) {
        String value = header.trim();
        if (!value.startsWith("bytes=")) {
            return null;
        }
        String spec = value.substring(6).trim();
        if (spec.indexOf(',') >= 0) {
            return null;
        }
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        String first = spec.substring(0, dash).trim();
        String last = spec.substring(dash + 1).trim();
        try {
            if (first.isEmpty()) {
                if (last.isEmpty()) {
                    return null;
                }
                long suffix = parseDigits(last);
                if (suffix == 0 || size == 0) {
                    return new StaticDecision(416, 0, 0);
                }
                long start = Math.max(0, size - suffix);
                return new StaticDecision(206, start, size - start);
            }
            long start = parseDigits(first);
            long end = last.isEmpty() ? size - 1 : Math.min(parseDigits(last), size - 1);
            if (start >= size || end < start) {
                return new StaticDecision(416, 0, 0);
            }
            return new StaticDecision(206, start, end - start + 1);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static long parseDigits(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                throw new NumberFormatException(text);
            }
        }
        return Long.parseLong(text);
    }
}
