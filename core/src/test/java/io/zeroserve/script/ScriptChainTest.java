package io.zeroserve.script;

import io.zeroserve.ebpf.HelperException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Chain semantics with Java-written scripts: order, terminal actions, faults, metadata, calls and hooks. */
class ScriptChainTest {
    private final Harness h = new Harness();
    private final List<String> ran = new ArrayList<>();

    private static long meta(FakeGuest g, String key, String value) throws HelperException {
        return g.call("zs_meta_set", g.ro(key), key.length(), g.ro(value), value.length());
    }

    private static String metaGet(FakeGuest g, String key) throws HelperException {
        long out = g.alloc(64);
        g.call("zs_meta_get", g.ro(key), key.length(), out, 64);
        return g.cstring(out);
    }

    @Test
    void emptyChainFallsThrough() {
        ScriptResult r = h.chain().run(TestRequest.get("/x"));
        assertEquals(ScriptResult.Action.CONTINUE, r.action());
        assertEquals("/x", r.request().uri());
    }

    @Test
    void scriptsRunInOrderAndShareMetadata() {
        h.script("10-a.o").onRequest((g, in) -> {
            ran.add("a");
            return meta(g, "who", "a");
        });
        h.script("20-b.o").onRequest((g, in) -> {
            ran.add("b:" + metaGet(g, "who"));
            return g.call("zs_req_set_header", g.ro("X-B"), 3, g.ro("1"), 1);
        });
        ScriptResult r = h.chain().run(TestRequest.get("/"));
        assertEquals(List.of("a", "b:a"), ran);
        assertEquals(ScriptResult.Action.CONTINUE, r.action());
        assertEquals("1", r.request().header("x-b"));
        assertEquals("a", r.metadata().get("who"));
    }

    @Test
    void firstResponderEndsTheChain() {
        h.script("1.o").onRequest((g, in) -> g.call("zs_respond", 418, g.ro("teapot"), 6));
        h.script("2.o").onRequest((g, in) -> {
            ran.add("2");
            return 0;
        });
        ScriptResult r = h.chain().run(TestRequest.get("/"));
        assertEquals(ScriptResult.Action.RESPOND, r.action());
        assertEquals(418, r.response().status());
        assertEquals("teapot", new String(r.response().body(), StandardCharsets.UTF_8));
        assertTrue(ran.isEmpty());
    }

    @Test
    void clearedResponseDoesNotEndTheChain() {
        h.script("1.o").onRequest((g, in) -> {
            g.call("zs_respond", 200, 0, 0);
            return g.call("zs_response_clear");
        });
        h.script("2.o").onRequest((g, in) -> g.call("zs_respond", 204, 0, 0));
        assertEquals(204, h.chain().run(TestRequest.get("/")).response().status());
    }

    @Test
    void faultAnswers500StopsTheChainAndLogs() {
        h.script("bad.o").onRequest((g, in) -> g.call("zs_meta_set", g.ro(""), 0, 0, 0));
        h.script("later.o").onRequest((g, in) -> {
            ran.add("later");
            return 0;
        });
        ScriptResult r = h.chain().run(TestRequest.get("/"));
        assertEquals(ScriptResult.Action.FAULT, r.action());
        assertEquals(500, r.response().status());
        assertEquals("text/plain; charset=utf-8", r.response().contentType());
        assertEquals(0, r.response().body().length);
        assertTrue(ran.isEmpty());
        assertTrue(h.log.stream().anyMatch(l -> l.startsWith("[script_runtime] 01TESTREQUEST0000000000000: "
                + "script 'bad.o' section 'zeroserve.request' failed: zs_meta_set: empty key")), h.log.toString());
    }

    @Test
    void abortAndBadRequest() {
        h.script("a.o").onRequest((g, in) -> g.call("zs_abort"));
        assertEquals(ScriptResult.Action.ABORT, h.chain().run(TestRequest.get("/")).action());
        Harness h2 = new Harness();
        h2.script("u.o").onRequest((g, in) -> g.call("zs_req_set_uri", g.ro("/../x"), 5));
        assertEquals(ScriptResult.Action.BAD_REQUEST, h2.chain().run(TestRequest.get("/")).action());
    }

    @Test
    void tlsRequestSectionRunsFirstOnTlsOnly() {
        h.script("1.o").onRequest((g, in) -> {
            ran.add("request");
            return 0;
        });
        h.script("2.o").on(ScriptChain.TLS_REQUEST_SECTION, (g, in) -> {
            ran.add("tls");
            return 0;
        });
        h.chain().run(TestRequest.get("/"));
        assertEquals(List.of("request"), ran);
        ran.clear();
        TestRequest tls = TestRequest.get("/");
        tls.connection = new ConnectionFacts(true, true, "h2", "a.test", null, false, false, null, null, List.of());
        h.chain().run(tls);
        assertEquals(List.of("tls", "request"), ran);
    }

    @Test
    void callDeepCopiesBothWaysAndSharesMetadata() {
        h.script("gateway.o").onRequest((g, in) -> {
            long input = g.call("zs_json_parse", g.ro("{\"name\":\"bob\"}"), 14);
            long reply = g.call("zs_call", g.ro("greeter"), 7, g.ro("greet"), 5, input);
            long msg = g.call("zs_json_get", reply, g.ro("msg"), 3);
            long out = g.alloc(64);
            g.call("zs_json_read_string", msg, out, 64);
            ran.add(g.cstring(out));
            ran.add("meta:" + metaGet(g, "callee"));
            long name = g.call("zs_json_get", input, g.ro("name"), 4);
            g.call("zs_json_read_string", name, out, 64);
            ran.add("input:" + g.cstring(out));
            ran.add("unknown:" + g.call("zs_call", g.ro("nope"), 4, g.ro("greet"), 5, input));
            ran.add("nofunc:" + g.call("zs_call", g.ro("greeter.o"), 9, g.ro("x"), 1, input));
            return g.call("zs_json_respond", 200, reply);
        });
        h.script("greeter.o").onCall("greet", (g, input) -> {
            assertEquals(1, input, "the input is handle 1 in the callee");
            long name = g.call("zs_json_get", input, g.ro("name"), 4);
            long out = g.alloc(32);
            g.call("zs_json_read_string", name, out, 32);
            g.call("zs_json_set_string", name, g.ro("mutated"), 7);
            meta(g, "callee", "was here");
            long reply = g.call("zs_json_new_object");
            String msg = "hello " + g.cstring(out);
            long s = g.call("zs_json_new_object");
            g.call("zs_json_set_string", s, g.ro(msg), msg.length());
            g.call("zs_json_set", reply, g.ro("msg"), 3, s);
            return reply;
        });
        ScriptResult r = h.chain().run(TestRequest.get("/"));
        assertEquals(List.of("hello bob", "meta:was here", "input:bob", "unknown:-1", "nofunc:-1"), ran);
        assertEquals("{\"msg\":\"hello bob\"}", new String(r.response().body(), StandardCharsets.UTF_8));
    }

    @Test
    void callDepthIsLimitedToEight() {
        // recurse(n): calls itself with n-1 until 0; returns {"depth": reached}.
        h.script("rec.o").onCall("recurse", (g, input) -> {
            long out = g.alloc(8);
            g.call("zs_json_read_i64", input, out, 8);
            long n = g.i64(out);
            if (n == 0) {
                return g.call("zs_json_new_object");
            }
            long next = g.call("zs_json_new_object");
            g.call("zs_json_set_i64", next, n - 1);
            return g.call("zs_call", g.ro("rec"), 3, g.ro("recurse"), 7, next);
        });
        h.script("main.o").onRequest((g, in) -> {
            for (long n : new long[] {7, 8}) {
                long arg = g.call("zs_json_new_object");
                g.call("zs_json_set_i64", arg, n);
                ran.add(n + ":" + (g.call("zs_call", g.ro("rec"), 3, g.ro("recurse"), 7, arg) > 0));
            }
            return 0;
        });
        h.chain().run(TestRequest.get("/"));
        assertEquals(List.of("7:true", "8:false"), ran);
    }

    @Test
    void calleeFaultReturnsMinusOneToTheCaller() {
        h.script("callee.o").onCall("boom", (g, input) -> g.call("zs_object_free", 99));
        h.script("main.o").onRequest((g, in) -> {
            ran.add("r=" + g.call("zs_call", g.ro("callee"), 6, g.ro("boom"), 4, 0));
            return 0;
        });
        assertEquals(ScriptResult.Action.CONTINUE, h.chain().run(TestRequest.get("/")).action());
        assertEquals(List.of("r=-1"), ran);
        assertTrue(h.log.stream().anyMatch(l -> l.contains("'callee.o' section 'zeroserve.call.boom' failed")));
    }

    @Test
    void responseHeadersFromMetadataAndHooks() {
        h.script("mw.o").onRequest((g, in) -> {
            meta(g, "zs.response.header.x-frame-options", "DENY");
            long arg = g.call("zs_json_parse", g.ro("\"v1\""), 4);
            g.call("zs_res_hook", 0, 0, g.ro("tag"), 3, arg);
            g.call("zs_res_hook", g.ro("mw"), 2, g.ro("broken"), 6, 0);
            g.call("zs_res_hook", g.ro("missing"), 7, g.ro("tag"), 3, 0);
            return g.call("zs_respond", 200, g.ro("ok"), 2);
        }).onCall("tag", (g, input) -> {
            long out = g.alloc(32);
            g.call("zs_json_read_string", input, out, 32);
            String v = g.cstring(out);
            ran.add("status=" + g.call("zs_res_status"));
            g.call("zs_res_header", g.ro("x-frame-options"), 15, out, 32);
            ran.add("xfo=" + g.cstring(out));
            meta(g, "zs.response.header.x-hook", v);
            g.call("zs_res_set_status", 203);
            g.call("zs_res_set_status", 5000);
            return 0;
        }).onCall("broken", (g, input) -> {
            g.call("zs_res_set_status", 500);
            return g.call("zs_abort");
        });
        ScriptResult r = h.chain().run(TestRequest.get("/"));
        ResponseHead head = new ResponseHead(r.response().status()).add("content-length", "2")
                .add("x-frame-options", "SAMEORIGIN");
        r.finishResponse(head);
        assertEquals(List.of("status=200", "xfo=DENY"), ran);
        assertEquals(203, head.status(), "the faulting hook's change was rolled back");
        assertEquals("DENY", head.get("x-frame-options"));
        assertEquals("v1", head.get("x-hook"));
        assertTrue(h.log.stream().anyMatch(l -> l.contains("zs_abort is not allowed in a response hook")));
        assertTrue(h.log.stream().anyMatch(l -> l.contains("response hook 'missing' 'tag' not found")));
    }

    @Test
    void hooksClearDropsHooksButKeepsResponse() {
        h.script("a.o").onRequest((g, in) -> {
            g.call("zs_res_hook", 0, 0, g.ro("h"), 1, 0);
            g.call("zs_respond", 200, 0, 0);
            return g.call("zs_res_hooks_clear");
        }).onCall("h", (g, in) -> {
            ran.add("hook");
            return 0;
        });
        ScriptResult r = h.chain().run(TestRequest.get("/"));
        r.finishResponse(new ResponseHead(200));
        assertEquals(ScriptResult.Action.RESPOND, r.action());
        assertTrue(ran.isEmpty());
    }

    @Test
    void templating() {
        h.script("t.o").onRequest((g, in) -> meta(g, "user", "alice"));
        ScriptResult r = h.chain().run(TestRequest.get("/"));
        assertTrue(r.templates("text/html; charset=utf-8"));
        assertTrue(r.templates("application/xml"));
        assertTrue(!r.templates("text/css; charset=utf-8"));
        byte[] out = r.template("<p>Hi <zs-meta> user </zs-meta>!<zs-meta>none</zs-meta></p><zs-meta>x"
                .getBytes(StandardCharsets.UTF_8));
        assertEquals("<p>Hi alice!</p><zs-meta>x", new String(out, StandardCharsets.UTF_8));
        assertTrue(!h.chain().run(TestRequest.get("/")).templates("text/html") || !new Harness().chain()
                .run(TestRequest.get("/")).templates("text/html"));
    }

    @Test
    void bodyIsReadOnceAcrossScripts() {
        h.script("1.o").onRequest((g, in) -> g.call("zs_req_body_json"));
        h.script("2.o").onRequest((g, in) -> g.call("zs_req_body_json"));
        TestRequest req = TestRequest.get("/").body("{}");
        h.chain().run(req);
        assertEquals(1, req.bodyReads);
    }
}
