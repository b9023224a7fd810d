package io.zeroserve.script;

import io.zeroserve.ebpf.HelperException;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Request inspection and mutation, metadata and response-slot helpers. */
class RequestHelpersTest {
    private final Harness h = new Harness();

    private String read(FakeGuest g, String helper) throws HelperException {
        long out = g.alloc(256);
        long n = g.call(helper, out, 256);
        String s = g.cstring(out);
        assertEquals(s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length, n);
        return s;
    }

    @Test
    void pathFacts() throws Exception {
        FakeGuest g = h.fixture(TestRequest.get("/a//b/./c%20d/../e/?x=1&y=a+b")).g();
        assertEquals("GET", read(g, "zs_req_method"));
        assertEquals("/a/b/e/", read(g, "zs_req_path"));
        assertEquals("/a/b/e", read(g, "zs_req_normalized_path"));
        assertEquals("/a/b/e/?x=1&y=a+b", read(g, "zs_req_uri"));
        assertEquals("x=1&y=a+b", read(g, "zs_req_query"));
        assertEquals("http", read(g, "zs_req_scheme"));
        assertEquals("127.0.0.1:40000", read(g, "zs_req_peer"));
        assertEquals(1, g.call("zs_req_proto_major"));
        assertEquals(1, g.call("zs_req_proto_minor"));
        assertEquals(0, g.call("zs_req_is_tls"));
        assertEquals(0, g.call("zs_req_tls_handshake_complete"));
        FakeGuest decoded = h.fixture(TestRequest.get("/caf%C3%A9/x")).g();
        assertEquals("/caf%C3%A9/x", read(decoded, "zs_req_path"));
        assertEquals("/café/x", read(decoded, "zs_req_normalized_path"));
    }

    @Test
    void ipv6PeerIsBracketed() throws Exception {
        TestRequest r = TestRequest.get("/");
        r.peer = new InetSocketAddress("::1", 5555);
        assertEquals("[::1]:5555", read(h.fixture(r).g(), "zs_req_peer"));
    }

    @Test
    void headersAreCaseInsensitiveLastValueAndCookiesMerged() throws Exception {
        TestRequest r = TestRequest.get("/").header("X-A", "1").header("x-a", "2")
                .header("Cookie", "a=1").header("cookie", "b=2");
        FakeGuest g = h.fixture(r).g();
        long out = g.alloc(64);
        assertEquals(1, g.call("zs_req_header", g.ro(" X-A "), 5, out, 64));
        assertEquals("2", g.cstring(out));
        assertEquals(8, g.call("zs_req_header", g.ro("COOKIE"), 6, out, 64));
        assertEquals("a=1; b=2", g.cstring(out));
        assertEquals(0, g.call("zs_req_header", g.ro("missing"), 7, out, 64));
        assertEquals("", g.cstring(out));
    }

    @Test
    void queryParams() throws Exception {
        FakeGuest g = h.fixture(TestRequest.get("/?a=1&b=x+y%21&a=2&flag")).g();
        long out = g.alloc(64);
        assertEquals(1, g.call("zs_req_query_param", g.ro("a"), 1, out, 64));
        assertEquals("1", g.cstring(out));
        assertEquals(4, g.call("zs_req_query_param", g.ro("b"), 1, out, 64));
        assertEquals("x y!", g.cstring(out));
        assertEquals(0, g.call("zs_req_query_param", g.ro("zz"), 2, out, 64));
        assertEquals(1, g.call("zs_req_query_param_matches", g.ro("a"), 1, g.ro("2"), 1));
        assertEquals(0, g.call("zs_req_query_param_matches", g.ro("a"), 1, g.ro("3"), 1));
        assertEquals(1, g.call("zs_req_query_param_matches", g.ro("flag"), 4, g.ro("*"), 1));
        assertEquals(0, g.call("zs_req_query_param_matches", g.ro("nope"), 4, g.ro("*"), 1));
    }

    @Test
    void remoteIpMatches() throws Exception {
        FakeGuest g = h.fixture(TestRequest.get("/")).g();
        String yes = "[\"10.0.0.0/8\", \"127.0.0.0/8\"]";
        String no = "[\"10.0.0.1\", \"::1\", \"bogus\"]";
        assertEquals(1, g.call("zs_req_remote_ip_matches", g.ro(yes), yes.length()));
        assertEquals(0, g.call("zs_req_remote_ip_matches", g.ro(no), no.length()));
        assertEquals(1, g.call("zs_req_remote_ip_matches", g.ro("[\"127.0.0.1\"]"), 13));
        assertEquals(-1, g.call("zs_req_remote_ip_matches", g.ro("{"), 1));
    }

    @Test
    void mutations() throws Exception {
        Harness.Fixture f = h.fixture(TestRequest.get("/dir/page?q=1").header("X-Remove-Me", "1")
                .header("X-Keep", "k").header("Accept", "a"));
        FakeGuest g = f.g();
        RequestState s = f.run().state;
        assertEquals(0, g.call("zs_req_set_method", g.ro("POST"), 4));
        assertEquals("POST", s.method());
        assertThrows(HelperException.class, () -> g.call("zs_req_set_method", g.ro("BAD METHOD"), 10));
        assertEquals(0, g.call("zs_req_set_header", g.ro("X-New"), 5, g.ro("v"), 1));
        assertEquals("v", s.header("x-new"));
        assertEquals(0, g.call("zs_req_set_header", g.ro("X-New"), 5, 0, 0), "value_len 0 removes");
        assertEquals(null, s.header("x-new"));
        assertThrows(HelperException.class, () -> g.call("zs_req_set_header", g.ro("Bad Name"), 8, g.ro("v"), 1));
        assertThrows(HelperException.class, () -> g.call("zs_req_set_header", g.ro("X"), 1, g.ro("a\r\nb"), 4));
        g.call("zs_req_append_header", g.ro("Accept"), 6, g.ro("b"), 1);
        assertEquals("a,b", s.header("accept"));
        g.call("zs_req_append_header", g.ro("Host"), 4, g.ro("h2"), 2);
        g.call("zs_req_append_header", g.ro("Host"), 4, g.ro("h3"), 2);
        assertEquals("h3", s.header("host"));
        g.call("zs_req_delete_header", g.ro("x-remove*"), 9);
        assertEquals(null, s.header("x-remove-me"));
        assertEquals("k", s.header("x-keep"));
        String op = "{\"name\":\"accept\",\"search_regexp\":\"(a),(b)\",\"replace\":\"${2}-$1\"}";
        assertEquals(0, g.call("zs_req_replace_header", g.ro(op), op.length()));
        assertEquals("b-a", s.header("accept"));
        g.call("zs_req_set_header", g.ro("a-token-b"), 9, g.ro("1"), 1);
        g.call("zs_req_set_header", g.ro("x-secret"), 8, g.ro("1"), 1);
        g.call("zs_req_delete_header", g.ro("*TOKEN*"), 7);
        assertEquals(null, s.header("a-token-b"));
        g.call("zs_req_delete_header", g.ro("*-secret"), 8);
        assertEquals(null, s.header("x-secret"));
        assertEquals("k", s.header("x-keep"));
        g.call("zs_req_delete_header", g.ro("*"), 1);
        assertTrue(s.headers().isEmpty());
        assertTrue(s.headersChanged());

        assertEquals(0, g.call("zs_req_set_uri", g.ro("other?x=2"), 9), "relative target");
        assertEquals("/dir/other?x=2", s.uri());
        g.call("zs_req_set_uri", g.ro("?y=3"), 4);
        assertEquals("/dir/other?y=3", s.uri());
        g.call("zs_req_set_uri", g.ro("/a/%2e%2e/b"), 11);
        assertEquals("/b", s.path());
        g.call("zs_req_set_uri", g.ro("/../x"), 5);
        assertFalse(s.pathValid(), "a target that does not normalize answers 400 later");
        assertTrue(s.uriChanged());
    }

    @Test
    void bodyLimitAndBodyJson() throws Exception {
        TestRequest r = TestRequest.get("/").header("Content-Length", "20").body("{\"a\":[1,2]}");
        Harness.Fixture f = h.fixture(r);
        FakeGuest g = f.g();
        assertEquals(1, g.call("zs_req_body_limit", 10));
        assertEquals(0, g.call("zs_req_body_limit", 100), "the smallest limit is kept");
        assertEquals(10, f.run().bodyLimit);
        assertEquals(-1, g.call("zs_req_body_json"), "the 11-byte body is over the 10-byte limit");

        Harness.Fixture f2 = h.fixture(TestRequest.get("/").body("{\"a\":[1,2]}"));
        long handle = f2.g().call("zs_req_body_json");
        assertTrue(handle > 0);
        assertEquals(5, f2.g().call("zs_json_type", handle));
        Harness.Fixture f3 = h.fixture(TestRequest.get("/").body("not json"));
        assertEquals(-1, f3.g().call("zs_req_body_json"));
        Harness.Fixture f4 = h.fixture(TestRequest.get("/"));
        assertEquals(-1, f4.g().call("zs_req_body_json"), "empty body");
    }

    @Test
    void connectionInfoOnPlaintext() throws Exception {
        Harness.Fixture f = h.fixture(TestRequest.get("/"));
        long handle = f.g().call("zs_connection_info");
        assertEquals("{\"tls\":false,\"tls_handshake_complete\":false,\"alpn\":null,\"sni\":{\"inner\":null,"
                + "\"outer\":null},\"ech\":null,\"fingerprint\":{\"ja4\":null},\"tls_client\":{\"certificate\":null,"
                + "\"chain_fingerprints_sha256\":[]}}", f.ctx().json(handle).node.toString());
    }

    @Test
    void metadata() throws Exception {
        Harness.Fixture f = h.fixture();
        FakeGuest g = f.g();
        assertEquals(0, g.call("zs_meta_set", g.ro(" user "), 6, g.ro("alice"), 5));
        long out = g.alloc(16);
        assertEquals(5, g.call("zs_meta_get", g.ro("user"), 4, out, 16));
        assertEquals("alice", g.cstring(out));
        assertEquals(3, g.call("zs_meta_get", g.ro("user"), 4, out, 3));
        assertEquals("al", g.cstring(out));
        assertEquals(0, g.call("zs_meta_get", g.ro("none"), 4, out, 16));
        assertThrows(HelperException.class, () -> g.call("zs_meta_set", g.ro("  "), 2, g.ro("v"), 1));
        assertEquals("alice", f.run().metadata.get("user"));
    }

    @Test
    void responseSlot() throws Exception {
        Harness.Fixture f = h.fixture();
        FakeGuest g = f.g();
        assertEquals(0, g.call("zs_response_pending"));
        assertEquals(0, g.call("zs_respond", 201, g.ro("made"), 4));
        assertEquals(1, g.call("zs_response_pending"));
        assertEquals(201, f.ctx().response.status());
        assertEquals(null, f.ctx().response.contentType());
        assertEquals(0, g.call("zs_response_clear"));
        assertEquals(0, g.call("zs_response_pending"));
        assertThrows(HelperException.class, () -> g.call("zs_respond", 65536, 0, 0));
        g.call("zs_respond", 1000, 0, 0);
        assertEquals(500, f.ctx().response.effectiveStatus(), "outside 100..999 is sent as 500");
        assertEquals(0, g.call("zs_abort"));
        assertTrue(f.ctx().abort);
        assertEquals(null, f.ctx().response);
    }

    @Test
    void rateLimitByKey() throws Exception {
        FakeGuest g = h.fixture().g();
        long key = g.ro("1.2.3.4");
        assertEquals(0, g.call("zs_rate_limit", key, 7, 2, 0, 0));
        assertEquals(0, g.call("zs_rate_limit", key, 7, 2, 0, 0));
        assertEquals(1, g.call("zs_rate_limit", key, 7, 2, 0, 0));
        h.clock.addAndGet(1000);
        assertEquals(0, g.call("zs_rate_limit", key, 7, 2, 3, 0));
        assertEquals(2, g.call("zs_rate_limit", key, 7, 0, 3, 0));
        assertEquals(-1, g.call("zs_rate_limit", g.ro("x".repeat(257)), 257, 1, 1, 1), "key too long");
        assertEquals(-1, g.call("zs_rate_limit", key, 0, 1, 1, 1), "empty key");
    }
}
