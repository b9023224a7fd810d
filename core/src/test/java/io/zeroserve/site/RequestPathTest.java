package io.zeroserve.site;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class RequestPathTest {
    private static void ok(String raw, String key, boolean hint) {
        assertEquals(new RequestPath(key, hint), RequestPath.normalize(raw), raw);
    }

    @Test
    void simplePaths() {
        ok("", "", true);
        ok("/", "", true);
        ok("/a.txt", "a.txt", false);
        ok("/dir/", "dir", true);
        ok("/dir/sub/file.css", "dir/sub/file.css", false);
    }

    @Test
    void emptySegmentsCollapse() {
        ok("//a///b", "a/b", false);
        ok("/a//", "a", true);
    }

    @Test
    void dotSegments() {
        ok("/./a/./b", "a/b", false);
        ok("/a/../b", "b", false);
        ok("/a/b/..", "a", false);
        ok("/.well-known/x", ".well-known/x", false);
    }

    @Test
    void percentDecoding() {
        ok("/space%20name.txt", "space name.txt", false);
        ok("/caf%C3%A9.txt", "caf\u00e9.txt", false);
        ok("/a%2e%2e/b", "a../b", false);
        ok("/x/%2e%2e/..y", "..y", false);
    }

    @Test
    void percentTooCloseToTheEndIsKeptLiterally() {
        ok("/a%", "a%", false);
        ok("/a%4", "a%4", false);
    }

    @Test
    void badRequests() {
        assertNull(RequestPath.normalize("/.."), "dot-dot at the root");
        assertNull(RequestPath.normalize("/a/../.."), "dot-dot above the root");
        assertNull(RequestPath.normalize("/%2e%2e"), "encoded dot-dot at the root");
        assertNull(RequestPath.normalize("/a%2Fb"), "encoded slash");
        assertNull(RequestPath.normalize("/%zz"), "bad escape");
        assertNull(RequestPath.normalize("/%C3%28"), "not UTF-8");
        assertNull(RequestPath.normalize("/%FF"), "not UTF-8");
    }
}
