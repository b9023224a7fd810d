package io.zeroserve.script;

import io.zeroserve.ebpf.HelperException;
import org.junit.jupiter.api.Test;

import java.util.regex.PatternSyntaxException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code zs_req_rewrite_uri} and {@code zs_req_rewrite_query}: each Caddy operation, their order, encoding edge
 * cases, Go regexp syntax and templates, and the helpers' effect on the request.
 */
class RewriteTest {
    private final Harness h = new Harness();

    private static UriRewrite.Result uri(String ops, String path, String query) throws HelperException {
        return UriRewrite.parse(ops).apply(path, query);
    }

    private static String path(String ops, String path) throws HelperException {
        return uri(ops, path, null).path();
    }

    private static String query(String ops, String query) throws HelperException {
        return QueryRewrite.parse(ops).apply(query);
    }

    private static String go(String re, String template, String input) throws HelperException {
        return GoRegexp.compile(re).replaceAll(input, template, 1 << 20, "test");
    }

    // ---- zs_req_rewrite_uri

    @Test
    void stripPathPrefix() throws Exception {
        assertEquals("/users", path("{\"strip_path_prefix\":\"/api\"}", "/api/users"));
        assertEquals("/users", path("{\"strip_path_prefix\":\"api\"}", "/api/users"), "the leading / is implied");
        assertEquals("/users", path("{\"strip_path_prefix\":\"/API\"}", "/api/users"), "ASCII case-insensitive");
        assertEquals("/users", path("{\"strip_path_prefix\":\"/api/\"}", "/api/users"), "the / comes back");
        assertEquals("/", path("{\"strip_path_prefix\":\"/api\"}", "/api"));
        assertEquals("/ary", path("{\"strip_path_prefix\":\"/api\"}", "/apiary"), "a string prefix, as in Caddy");
        assertEquals("/other/x", path("{\"strip_path_prefix\":\"/api\"}", "/other/x"), "no match, no change");
        assertEquals("/ap", path("{\"strip_path_prefix\":\"/api\"}", "/ap"), "shorter than the prefix");
    }

    @Test
    void stripPrefixComparesDecodedUnlessThePrefixEscapes() throws Exception {
        assertEquals("/x", path("{\"strip_path_prefix\":\"/café\"}", "/caf%C3%A9/x"), "escape decoded per byte");
        assertEquals("/x", path("{\"strip_path_prefix\":\"/a b\"}", "/a%20b/x"));
        assertEquals("/c", UriRewrite.trimPathPrefix("/a%2Fb/c", "/a/b"), "%2F is a / in decoded space");
        assertEquals("/c", UriRewrite.trimPathPrefix("/a%2Fb/c", "/a%2fb"), "an escape in the prefix: literal");
        assertEquals("/a/b/c", UriRewrite.trimPathPrefix("/a/b/c", "/a%2Fb"), "...so a plain / does not match it");
        assertEquals("/caf%C3%A9", UriRewrite.trimPathPrefix("/caf%C3%A9", "/cafe"), "non-ASCII compares exactly");
        assertEquals("/%zz", UriRewrite.trimPathPrefix("/%zz", "/a"), "a bad escape never matches");
    }

    @Test
    void stripPathSuffix() throws Exception {
        assertEquals("/page", path("{\"strip_path_suffix\":\".html\"}", "/page.html"));
        assertEquals("/page", path("{\"strip_path_suffix\":\".HTML\"}", "/page.html"));
        assertEquals("/page.htm", path("{\"strip_path_suffix\":\".html\"}", "/page.htm"));
        assertEquals("/caf", path("{\"strip_path_suffix\":\"é\"}", "/caf%C3%A9"), "decoded from the end");
        assertEquals("/a", UriRewrite.trimPathSuffix("/a%2Fb", "%2fb"), "an escape in the suffix: literal");
        assertEquals("/a/b", UriRewrite.trimPathSuffix("/a/b", "%2Fb"));
        assertEquals("/", path("{\"strip_path_suffix\":\"/x\"}", "/x"), "an emptied path becomes /");
    }

    @Test
    void uriSubstringOnPathAndQueryWithLimit() throws Exception {
        assertEquals(new UriRewrite.Result("/z/b/z", "q=z"),
                uri("{\"uri_substring\":[{\"find\":\"a\",\"replace\":\"z\"}]}", "/a/b/a", "q=a"));
        assertEquals(new UriRewrite.Result("/c/b/a", "c=1&b=a"),
                uri("{\"uri_substring\":[{\"find\":\"a\",\"replace\":\"c\",\"limit\":1}]}", "/a/b/a", "a=1&b=a"),
                "the limit counts per string: one in the path, one in the query");
        assertEquals("/c/b/c", path("{\"uri_substring\":[{\"find\":\"a\",\"replace\":\"c\",\"limit\":-1}]}",
                "/a/b/a"), "a negative limit means all");
        assertEquals("/a", path("{\"uri_substring\":[{\"find\":\"\",\"replace\":\"x\"}]}", "/a"), "empty find: skip");
        assertEquals("/v2/users", path("{\"uri_substring\":[{\"find\":\"/v1/\",\"replace\":\"/v2/\"},"
                + "{\"find\":\"/v2/\",\"replace\":\"/v2/\"}]}", "/v1/users"), "applied in list order");
        assertNull(uri("{\"uri_substring\":[{\"find\":\"only\",\"replace\":\"\"}]}", "/x", "only").query(),
                "an emptied query is no query");
        assertEquals("", uri("{\"uri_substring\":[{\"find\":\"zz\",\"replace\":\"y\"}]}", "/x", "").query(),
                "an untouched empty query stays");
    }

    @Test
    void pathRegexpWithGoTemplates() throws Exception {
        assertEquals("/item.html", path("{\"path_regexp\":[{\"find\":\"^/items/([a-z0-9-]+)$\","
                + "\"replace\":\"/item.html\"}]}", "/items/abc-1"));
        assertEquals("/b/a", path("{\"path_regexp\":[{\"find\":\"^/(\\\\w+)/(\\\\w+)$\","
                + "\"replace\":\"/$2/${1}\"}]}", "/a/b"));
        assertEquals("/u/42", path("{\"path_regexp\":[{\"find\":\"^/users/(?P<user_id>[0-9]+)\","
                + "\"replace\":\"/u/${user_id}\"}]}", "/users/42"), "RE2 named groups, _ allowed");
        assertEquals("/item%3Fid=7", path("{\"path_regexp\":[{\"find\":\"^/i/(\\\\d+)$\","
                + "\"replace\":\"/item?id=$1\"}]}", "/i/7"), "a ? written into the path is escaped");
        assertEquals("/x%20y", path("{\"path_regexp\":[{\"find\":\"_\",\"replace\":\" \"}]}", "/x_y"));
    }

    @Test
    void operationsRunInCaddysOrderWhateverTheJsonOrder() throws Exception {
        String ops = "{\"path_regexp\":[{\"find\":\"^/b\",\"replace\":\"/c\"}],"
                + "\"uri_substring\":[{\"find\":\"x\",\"replace\":\"b\"}],"
                + "\"strip_path_suffix\":\".old\",\"strip_path_prefix\":\"/a\"}";
        // prefix: /a/x.old -> /x.old; suffix: -> /x; substring: -> /b; regexp: -> /c
        assertEquals("/c", path(ops, "/a/x.old"));
    }

    @Test
    void cleanPathAsCaddy() {
        assertEquals("/a/c/", UriRewrite.cleanPath("/a//b/../c/", true));
        assertEquals("/a//c/", UriRewrite.cleanPath("/a//b/../c/", false));
        assertEquals("/a//", UriRewrite.cleanPath("/a//b/../", false), "the kept empty segment stays...");
        assertEquals("/a/b", UriRewrite.cleanPath("/a//../b", false), "...unless a .. pops it");
        assertEquals("/a", UriRewrite.cleanPath("/../a", true), ".. at the root is dropped");
        assertEquals("//", UriRewrite.cleanPath("//", false));
        assertEquals("/", UriRewrite.cleanPath("//", true));
        assertEquals(".", UriRewrite.cleanPath("", true));
        assertEquals("../a/", UriRewrite.cleanPath("../a/./", true), "a relative .. stays");
        assertEquals("//a", UriRewrite.cleanPath("//a", false));
    }

    @Test
    void slashesMergeUnlessTheOperandHasThem() throws Exception {
        assertEquals("/x/y", path("{\"uri_substring\":[{\"find\":\"//\",\"replace\":\"/x/\"}]}", "//y"));
        assertEquals("/b", path("{\"uri_substring\":[{\"find\":\"/a/\",\"replace\":\"/\"}]}", "//a//b"));
    }

    @Test
    void badOpsAreHardFailuresThatSayWhere() {
        assertFault("not valid JSON", "{");
        assertFault("must be a JSON object, not array", "[]");
        assertFault("unknown operation 'strip_prefix'", "{\"strip_prefix\":\"/a\"}");
        assertFault("strip_path_prefix: expected a string, not number", "{\"strip_path_prefix\":1}");
        assertFault("uri_substring[0].limit: expected an integer, not 1.5",
                "{\"uri_substring\":[{\"find\":\"a\",\"limit\":1.5}]}");
        assertFault("uri_substring[0]: unknown field 'fnd'", "{\"uri_substring\":[{\"fnd\":\"a\"}]}");
        assertFault("path_regexp[0].find: invalid regular expression", "{\"path_regexp\":[{\"find\":\"(\"}]}");
        assertFault("path_regexp[0].find: empty regular expression", "{\"path_regexp\":[{\"find\":\"\"}]}");
        assertFault("RE2 has no look-around", "{\"path_regexp\":[{\"find\":\"a(?=b)\"}]}");
    }

    private static void assertFault(String expected, String ops) {
        HelperException e = assertThrows(HelperException.class, () -> UriRewrite.parse(ops));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(e.getMessage().startsWith("zs_req_rewrite_uri: "), e.getMessage());
    }

    @Test
    void growthIsBoundedBeforeAllocation() {
        String big = "x".repeat(1000);
        HelperException e = assertThrows(HelperException.class, () -> path("{\"uri_substring\":[{\"find\":\"/\","
                + "\"replace\":\"" + big + "\"}]}", "/a".repeat(100)));
        assertTrue(e.getMessage().contains("longer than 65536"), e.getMessage());
        assertThrows(HelperException.class, () -> path("{\"path_regexp\":[{\"find\":\"a\",\"replace\":\"" + big
                + "\"}]}", "/" + "a".repeat(100)));
    }

    // ---- Go regexp dialect

    @Test
    void goTemplateExpansion() throws Exception {
        assertEquals("b-a", go("(a),(b)", "$2-$1", "a,b"));
        assertEquals("", go("(a)", "$1x", "a"), "$1x names group '1x', which does not exist");
        assertEquals("ax", go("(a)", "${1}x", "a"));
        assertEquals("$", go("a", "$$", "a"));
        assertEquals("$-", go("a", "$-", "a"), "a malformed reference is literal");
        assertEquals("${1", go("a", "${1", "a"));
        assertEquals("\\1", go("(a)", "\\1", "a"), "a backslash is literal in Go templates");
        assertEquals("", go("(a)|(b)", "$2", "a"), "a group that did not take part is empty");
        assertEquals("v", go("(?P<k>v)", "$k", "v"));
        assertEquals("-b-c-", go("a*", "-", "baac"), "no empty match right after a match, as in Go");
        assertEquals("-a-b-", go("x*", "-", "ab"));
    }

    @Test
    void goRegexpDialect() throws Exception {
        assertEquals("a\n", go("a$", "x", "a\n"), "$ is the end of the text, not before a final newline");
        assertEquals("x\nx", go("(?m)a$", "x", "a\na"), "(?m) keeps the line meaning");
        assertEquals("X1", go("[[:alpha:]]", "X", "a1"));
        assertEquals("aX", go("[[:^alpha:]]", "X", "a1"));
        assertEquals("x", go("[a[]", "x", "["), "[ inside a class is literal");
        assertEquals("xx", go("[]a]", "x", "]a"), "] first in a class is literal");
        assertEquals("x", go("{id}", "x", "{id}"), "a { that is no repeat count is literal");
        assertEquals("x", go("a{2}", "x", "aa"));
        assertEquals("x", go("\\101", "x", "A"), "octal escape");
        assertThrows(PatternSyntaxException.class, () -> GoRegexp.compile("(a)\\1"), "a back-reference");
        assertThrows(PatternSyntaxException.class, () -> GoRegexp.compile("(a)\\1"));
        assertThrows(PatternSyntaxException.class, () -> GoRegexp.compile("(?<=a)b"));
        assertThrows(PatternSyntaxException.class, () -> GoRegexp.compile("(?>a)"));
        assertThrows(PatternSyntaxException.class, () -> GoRegexp.compile("(?U)a*"));
        assertEquals("b", go("(?i)A", "b", "a"));
        assertEquals("x", go("(?i)é", "x", "É"), "case folding beyond ASCII, as in Go");
        assertEquals("é", go("\\w", "x", "é"), "\\w is ASCII, as in Go");
    }

    @Test
    void headerReplaceUsesTheSameGoDialect() throws Exception {
        Harness.Fixture f = h.fixture(TestRequest.get("/").header("X-Id", "user_42"));
        FakeGuest g = f.g();
        String op = "{\"name\":\"x-id\",\"search_regexp\":\"^(?P<kind>[a-z]+)_(\\\\d+)$\","
                + "\"replace\":\"$2 of ${kind} costs $$1\"}";
        assertEquals(0, g.call("zs_req_replace_header", g.put(op), op.length()));
        assertEquals("42 of user costs $1", f.run().state.header("x-id"));
    }

    @Test
    void expensiveRegexpIsAHardFailure() {
        HelperException e = assertThrows(HelperException.class,
                () -> go("(.*){10}x", "y", "a".repeat(30)));
        assertTrue(e.getMessage().contains("too expensive"), e.getMessage());
    }

    // ---- zs_req_rewrite_query

    @Test
    void queryIsParsedAndEncodedAsGo() throws Exception {
        assertEquals("a=1&a=3&b=2", query("{}", "b=2&a=1&a=3"), "keys sorted, values in order");
        assertEquals("d=A", query("{}", "a=1;b=2&c=%zz&d=%41"), "pairs with ; or a bad escape are dropped");
        assertEquals("flag=&x=a+b%26c%3D%2F~", query("{}", "x=a+b%26c%3D/~&flag"));
        assertEquals("k=%C3%A9", query("{}", "k=%c3%a9"));
        assertNull(query("{}", null));
        assertNull(query("{}", "&&"), "nothing left: no query");
        assertEquals("B=1&a=1&%C3%A9=1", query("{}", "%C3%A9=1&a=1&B=1"), "byte order of UTF-8");
    }

    @Test
    void eachQueryOperation() throws Exception {
        assertEquals("b=2&z=1", query("{\"rename\":[{\"key\":\"a\",\"val\":\"z\"}]}", "a=1&b=2"));
        assertEquals("b=1", query("{\"rename\":[{\"key\":\"a\",\"val\":\"b\"}]}", "a=1&b=2"), "replaces the target");
        assertEquals("b=2", query("{\"rename\":[{\"key\":\"a\",\"val\":\"z\"}]}", "b=2"), "absent key: no-op");
        assertEquals("a=1", query("{\"rename\":[{\"key\":\"a\",\"val\":\"\"}]}", "a=1"));
        assertEquals("a=9&b=2", query("{\"set\":[{\"key\":\"a\",\"val\":\"9\"}]}", "a=1&a=2&b=2"));
        assertEquals("a=1&a=x+y", query("{\"add\":[{\"key\":\"a\",\"val\":\"x y\"}]}", "a=1"));
        assertEquals("a=1", query("{\"add\":[{\"key\":\"\",\"val\":\"x\"}]}", "a=1"), "empty key: skipped");
        assertEquals("a=hello&b=hi", query("{\"replace\":[{\"key\":\"a\",\"search\":\"hi\",\"replace\":\"hello\"}]}",
                "a=hi&b=hi"), "only the named key");
        assertEquals("a=hello&b=hello", query("{\"replace\":[{\"key\":\"*\",\"search\":\"hi\","
                + "\"replace\":\"hello\"}]}", "a=hi&b=hi"), "* is every key");
        assertEquals("a=2023-01", query("{\"replace\":[{\"key\":\"a\",\"search_regexp\":\"(\\\\d+)/(\\\\d+)\","
                + "\"replace\":\"$1-$2\"}]}", "a=2023/01"));
        assertEquals("a=xax", query("{\"replace\":[{\"key\":\"a\",\"replace\":\"x\"}]}", "a=a"),
                "empty search: Go inserts around every character");
        assertEquals("b=2", query("{\"delete\":[\"a\",\"\"]}", "a=1&b=2"));
    }

    @Test
    void queryOperationsRunRenameSetAddReplaceDelete() throws Exception {
        String ops = "{\"delete\":[\"gone\"],\"replace\":[{\"key\":\"*\",\"search\":\"1\",\"replace\":\"one\"}],"
                + "\"add\":[{\"key\":\"gone\",\"val\":\"1\"},{\"key\":\"b\",\"val\":\"1\"}],"
                + "\"set\":[{\"key\":\"b\",\"val\":\"1\"}],\"rename\":[{\"key\":\"a\",\"val\":\"b\"}]}";
        // rename a->b (b=[1]); set b=[1]; add gone=1, b=1 (b=[1,1]); replace 1->one everywhere; delete gone
        assertEquals("b=one&b=one", query(ops, "a=7&b=3&a=1"));
    }

    @Test
    void badQueryOpsAreHardFailures() {
        HelperException e = assertThrows(HelperException.class, () -> QueryRewrite.parse(
                "{\"replace\":[{\"key\":\"a\",\"search_regexp\":\"[\"}]}"));
        assertTrue(e.getMessage().startsWith("zs_req_rewrite_query: replace[0].search_regexp: invalid regular "
                + "expression"), e.getMessage());
        e = assertThrows(HelperException.class, () -> QueryRewrite.parse("{\"remove\":[\"a\"]}"));
        assertTrue(e.getMessage().contains("unknown operation 'remove'"), e.getMessage());
        e = assertThrows(HelperException.class, () -> QueryRewrite.parse("{\"delete\":\"a\"}"));
        assertTrue(e.getMessage().contains("delete: expected an array of strings, not string"), e.getMessage());
        e = assertThrows(HelperException.class, () -> QueryRewrite.parse("{\"set\":[{\"key\":\"a\",\"v\":1}]}"));
        assertTrue(e.getMessage().contains("set[0]: unknown field 'v'"), e.getMessage());
    }

    // ---- the helpers on a request

    @Test
    void rewriteUriHelperChangesTheRequest() throws Exception {
        Harness.Fixture f = h.fixture(TestRequest.get("/api/v1/caf%C3%A9?x=1"));
        FakeGuest g = f.g();
        RequestState s = f.run().state;
        String none = "{\"strip_path_prefix\":\"/nothing\"}";
        assertEquals(0, g.call("zs_req_rewrite_uri", g.ro(none), none.length()));
        assertFalse(s.uriChanged(), "no operation matched: the request is untouched");
        String ops = "{\"strip_path_prefix\":\"/api\",\"uri_substring\":[{\"find\":\"x=\",\"replace\":\"y=\"}]}";
        assertEquals(0, g.call("zs_req_rewrite_uri", g.ro(ops), ops.length()));
        assertTrue(s.uriChanged());
        assertEquals("/v1/caf%C3%A9", s.path());
        assertEquals("/v1/café", s.normalizedPath());
        assertEquals("/v1/caf%C3%A9?y=1", s.uri());
        assertTrue(s.pathValid());
        assertThrows(HelperException.class, () -> g.call("zs_req_rewrite_uri", g.ro("{\"bad\":1}"), 9));
        assertThrows(HelperException.class, () -> g.call("zs_req_rewrite_uri", g.ro(new byte[] {'{', (byte) 0xff,
                '}'}), 3), "invalid UTF-8 is a hard failure");
    }

    @Test
    void rewriteQueryHelperChangesTheRequest() throws Exception {
        Harness.Fixture f = h.fixture(TestRequest.get("/p?b=2&a=1&drop=x"));
        FakeGuest g = f.g();
        String ops = "{\"delete\":[\"drop\"],\"add\":[{\"key\":\"c\",\"val\":\"3 4\"}]}";
        assertEquals(0, g.call("zs_req_rewrite_query", g.ro(ops), ops.length()));
        RequestState s = f.run().state;
        assertEquals("a=1&b=2&c=3+4", s.query());
        assertEquals("/p?a=1&b=2&c=3+4", s.uri());
        long out = g.alloc(16);
        assertEquals(3, g.call("zs_req_query_param", g.ro("c"), 1, out, 16));
        assertEquals("3 4", g.cstring(out), "later helpers see the rewritten query");
        String all = "{\"delete\":[\"a\",\"b\",\"c\"]}";
        g.call("zs_req_rewrite_query", g.ro(all), all.length());
        assertNull(s.query());
        assertEquals("/p", s.uri());
    }

    @Test
    void aRewriteThatBreaksNormalizationIsA400() {
        h.script("r.o").onRequest((g, in) -> {
            String ops = "{\"uri_substring\":[{\"find\":\"/up\",\"replace\":\"/..\"}]}";
            return g.call("zs_req_rewrite_uri", g.ro(ops), ops.length());
        });
        assertEquals(ScriptResult.Action.BAD_REQUEST, h.chain().run(TestRequest.get("/up/x")).action(),
                "/../x pops above the root");
        ScriptResult fine = h.chain().run(TestRequest.get("/a/up/x"));
        assertEquals(ScriptResult.Action.CONTINUE, fine.action(), "/a/../x normalizes to /x");
        assertEquals("x", fine.request().lookupKey());
    }

    @Test
    void badOpsFaultTheScriptWithTheReason() {
        h.script("r.o").onRequest((g, in) -> {
            String ops = "{\"path_regexp\":[{\"find\":\"(\"}]}";
            return g.call("zs_req_rewrite_uri", g.ro(ops), ops.length());
        });
        ScriptResult r = h.chain().run(TestRequest.get("/"));
        assertEquals(ScriptResult.Action.FAULT, r.action());
        assertTrue(r.faultMessage().contains("zs_req_rewrite_uri: path_regexp[0].find: invalid regular expression"),
                r.faultMessage());
    }
}
