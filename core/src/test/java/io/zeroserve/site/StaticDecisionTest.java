package io.zeroserve.site;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class StaticDecisionTest {
    private static final long MTIME = 1_704_164_645L; // Tue, 02 Jan 2024 03:04:05 GMT
    private static final TarEntry FILE = new TarEntry("a.txt", 512, 1000, MTIME,
            "\"0123456789abcdef0123456789abcdef\"", null);

    private static StaticDecision decide(String inm, String ims, String range, String ifRange) {
        return StaticDecision.decide(FILE, inm, ims, range, ifRange);
    }

    @Test
    void plainGetIsFull() {
        assertEquals(new StaticDecision(200, 0, 1000), decide(null, null, null, null));
    }

    @Test
    void ifNoneMatch() {
        assertEquals(304, decide(FILE.etag(), null, null, null).status());
        assertEquals(304, decide("W/" + FILE.etag(), null, null, null).status(), "weak comparison");
        assertEquals(304, decide("\"x\", " + FILE.etag(), null, null, null).status(), "list");
        assertEquals(304, decide("*", null, null, null).status());
        assertEquals(200, decide("\"other\"", null, null, null).status());
    }

    @Test
    void ifNoneMatchDecidesAloneOverIfModifiedSince() {
        assertEquals(200, decide("\"other\"", "Tue, 02 Jan 2024 03:04:05 GMT", null, null).status());
    }

    @Test
    void ifModifiedSinceInAllThreeFormats() {
        assertEquals(304, decide(null, "Tue, 02 Jan 2024 03:04:05 GMT", null, null).status());
        assertEquals(304, decide(null, "Wed, 03 Jan 2024 00:00:00 GMT", null, null).status());
        assertEquals(200, decide(null, "Tue, 02 Jan 2024 03:04:04 GMT", null, null).status());
        assertEquals(304, decide(null, "Tuesday, 02-Jan-24 03:04:05 GMT", null, null).status());
        assertEquals(304, decide(null, "Tue Jan  2 03:04:05 2024", null, null).status());
        assertEquals(200, decide(null, "not a date", null, null).status());
    }

    @Test
    void ranges() {
        assertEquals(new StaticDecision(206, 0, 10), decide(null, null, "bytes=0-9", null));
        assertEquals(new StaticDecision(206, 990, 10), decide(null, null, "bytes=990-", null));
        assertEquals(new StaticDecision(206, 900, 100), decide(null, null, "bytes=-100", null));
        assertEquals(new StaticDecision(206, 0, 1000), decide(null, null, "bytes=-5000", null), "suffix clamps");
        assertEquals(new StaticDecision(206, 500, 500), decide(null, null, "bytes=500-99999", null), "end clamps");
    }

    @Test
    void unsatisfiableRanges() {
        assertEquals(416, decide(null, null, "bytes=1000-", null).status());
        assertEquals(416, decide(null, null, "bytes=-0", null).status());
        assertEquals(416, decide(null, null, "bytes=9-3", null).status());
    }

    @Test
    void ignoredRangesServeTheWholeFile() {
        assertEquals(200, decide(null, null, "bytes=0-1,5-6", null).status(), "multi-range");
        assertEquals(200, decide(null, null, "items=0-1", null).status(), "not bytes");
        assertEquals(200, decide(null, null, "bytes=abc", null).status(), "malformed");
        assertEquals(200, decide(null, null, "bytes=-", null).status(), "malformed");
    }

    @Test
    void ifRange() {
        assertEquals(206, decide(null, null, "bytes=0-9", FILE.etag()).status());
        assertEquals(206, decide(null, null, "bytes=0-9", FILE.etagHex()).status(), "bare etag");
        assertEquals(206, decide(null, null, "bytes=0-9", "Tue, 02 Jan 2024 03:04:05 GMT").status());
        assertEquals(200, decide(null, null, "bytes=0-9", "W/" + FILE.etag()).status(), "weak never matches");
        assertEquals(200, decide(null, null, "bytes=0-9", "\"other\"").status());
        assertEquals(200, decide(null, null, "bytes=0-9", "Tue, 02 Jan 2024 03:04:06 GMT").status());
        assertEquals(200, decide(null, null, "bytes=0-9", "").status());
    }
}
