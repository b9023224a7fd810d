package io.zeroserve.script;

import io.zeroserve.ebpf.HelperException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The per-request fast paths give exactly the answers of the general code they skip: path normalization of
 * already-normal paths, query-string lookups without splitting, the array handle table, ASCII string arguments.
 */
class FastPathsTest {
    /** Every string over {@code alphabet} of length 0..{@code maxLen}. */
    private static List<String> strings(String alphabet, int maxLen) {
        List<String> out = new ArrayList<>();
        out.add("");
        List<String> level = List.of("");
        for (int len = 1; len <= maxLen; len++) {
            List<String> next = new ArrayList<>();
            for (String s : level) {
                for (char c : alphabet.toCharArray()) {
                    next.add(s + c);
                }
            }
            out.addAll(next);
            level = next;
        }
        return out;
    }

    @Test
    void plainPathsNormalizeAsTheGeneralAlgorithmDoes() {
        List<String> paths = strings("/.a%", 7);
        paths.addAll(List.of("/", "/index.html", "/a/b/", "/caf%C3%A9/x", "/%2e%2e/x", "/a/%2F/b", "/.well-known/x",
                "/a/...", "/a/..b/", "/ü/x", "*", "a/b"));
        int plain = 0;
        for (String raw : paths) {
            String input = raw.isEmpty() ? "/" : raw;
            PathNormalizer.Normalized general = PathNormalizer.normalizeSegments(input);
            assertEquals(general, PathNormalizer.normalize(raw), "path '" + raw + "'");
            if (PathNormalizer.isPlain(input)) {
                plain++;
                assertEquals(input, general.path(), "a plain path is its own normal form: '" + raw + "'");
            }
        }
        assertTrue(plain > 100, "the corpus exercises the fast path (" + plain + " plain paths)");
        assertFalse(PathNormalizer.isPlain("/a/./b"));
        assertFalse(PathNormalizer.isPlain("/a/.."));
        assertFalse(PathNormalizer.isPlain("/a//b"));
        assertTrue(PathNormalizer.isPlain("/a/.b/c./"));
    }

    /** The split-based lookup the scanning one replaced, kept as the reference. */
    private static String referenceFirst(String query, String key) {
        if (query == null || query.isEmpty()) {
            return null;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String k = RequestHelpers.QueryString.formDecode(eq < 0 ? pair : pair.substring(0, eq));
            if (k.equals(key)) {
                return eq < 0 ? "" : RequestHelpers.QueryString.formDecode(pair.substring(eq + 1));
            }
        }
        return null;
    }

    private static boolean referenceMatches(String query, String key, String wanted) {
        if (query == null || query.isEmpty()) {
            return false;
        }
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = RequestHelpers.QueryString.formDecode(eq < 0 ? pair : pair.substring(0, eq));
            if (k.equals(key) && (wanted.equals("*")
                    || wanted.equals(eq < 0 ? "" : RequestHelpers.QueryString.formDecode(pair.substring(eq + 1))))) {
                return true;
            }
        }
        return false;
    }

    @Test
    void queryLookupsMatchTheSplittingReference() {
        List<String> queries = strings("&=a+%", 6);
        queries.addAll(List.of("name=perf&id=42", "a%20b=1&a+b=2", "x=%41&x=2", "&&a=1&&", "a=1=2", "%zz=1"));
        List<String> keys = List.of("", "a", "a ", "a=", "name", "id", "x", "%zz", "a b");
        List<String> wanted = List.of("*", "", "1", "2", "=", "perf", "A");
        for (String q : queries) {
            for (String k : keys) {
                assertEquals(referenceFirst(q, k), RequestHelpers.QueryString.first(q, k), q + " / " + k);
                for (String w : wanted) {
                    assertEquals(referenceMatches(q, k, w), RequestHelpers.QueryString.matches(q, k, w),
                            q + " / " + k + " / " + w);
                }
            }
        }
        assertEquals("42", RequestHelpers.QueryString.first("name=perf&id=42", "id"));
        assertNull(RequestHelpers.QueryString.first(null, "id"));
    }

    @Test
    void handleTableKeepsHandlesUniqueAndBounded() throws HelperException {
        ObjectTable t = new ObjectTable();
        assertThrows(HelperException.class, () -> t.get(1), "nothing allocated yet");
        JsonCursor[] cursors = new JsonCursor[ObjectTable.MAX_LIVE];
        long[] handles = new long[ObjectTable.MAX_LIVE];
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < ObjectTable.MAX_LIVE; i++) {
            cursors[i] = JsonCursor.of(io.zeroserve.script.json.JsonNode.of(i));
            handles[i] = t.add(cursors[i]);
            assertEquals(i + 1, handles[i], "handles count from 1");
            seen.add(handles[i]);
        }
        assertThrows(HelperException.class, () -> t.add(JsonCursor.of(io.zeroserve.script.json.JsonNode.ofNull())));
        t.free(handles[5]);
        t.free(handles[20]);
        assertThrows(HelperException.class, () -> t.get(handles[5]), "a freed handle is gone");
        assertThrows(HelperException.class, () -> t.free(handles[5]), "and cannot be freed twice");
        assertEquals(ObjectTable.MAX_LIVE - 2, t.live());
        long a = t.add(cursors[5]);
        long b = t.add(cursors[20]);
        assertTrue(seen.add(a) && seen.add(b), "handles are never reused");
        assertSame(cursors[5], t.get(a));
        assertSame(cursors[20], t.get(b));
        for (int i = 0; i < ObjectTable.MAX_LIVE; i++) {
            if (i != 5 && i != 20) {
                assertSame(cursors[i], t.get(handles[i]));
            }
        }
        assertThrows(HelperException.class, () -> t.get(0));
        assertThrows(HelperException.class, () -> t.get(-1));
        assertThrows(HelperException.class, () -> t.get(1000));
    }

    @Test
    void stringArgumentsDecodeAsciiAndUtf8AndRejectInvalidUtf8() throws Exception {
        Assumptions.assumeTrue(ScriptCompiler.available(), "clang is not installed");
        Assumptions.assumeTrue(ExamplesTest.runtimeAvailable(), "the eBPF runtime is not built");
        Harness h = new Harness();
        String code = """
                #include "zeroserve.h"
                ZS_ENTRY zs_u64 e(void) {
                  char p[64];
                  zs_s64 n = zs_req_path(p, sizeof p);
                  if (n == 6 && p[1] == 'b') {
                    char bad[2] = { (char) 0xc3, 'x' };
                    zs_meta_set(ZS_STR("bad"), bad, 2);
                    return 0;
                  }
                  zs_meta_set(ZS_STR("ascii"), ZS_STR("plain text"));
                  zs_meta_set(ZS_STR("utf8"), ZS_STR("caf\\xc3\\xa9 \\xe2\\x82\\xac"));
                  return 0;
                }
                """;
        ScriptChain chain = h.host.load(List.of(new ScriptSource("s.o", "test/s.c",
                ScriptCompiler.compile("s.c", code.getBytes(StandardCharsets.UTF_8)))), null);
        ScriptResult ok = chain.run(TestRequest.get("/good/"));
        assertEquals(ScriptResult.Action.CONTINUE, ok.action());
        assertEquals("plain text", ok.metadata().get("ascii"));
        assertEquals("café €", ok.metadata().get("utf8"));
        ScriptResult bad = chain.run(TestRequest.get("/bad/x"));
        assertEquals(ScriptResult.Action.FAULT, bad.action(), "invalid UTF-8 is a hard failure");
        assertTrue(bad.faultMessage().contains("invalid UTF-8"), bad.faultMessage());
    }
}
