package io.zeroserve.script;

import io.zeroserve.ebpf.RuntimeOptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Compiled C scripts (the SDK examples and hostile ones) on the real eBPF runtime, through the chain. */
class ScriptRuntimeTest {
    @BeforeAll
    static void needsClangAndRuntime() {
        Assumptions.assumeTrue(ScriptCompiler.available(), "clang is not installed");
        Assumptions.assumeTrue(ExamplesTest.runtimeAvailable(), "the eBPF runtime is not built");
    }

    private final Harness h = new Harness();

    private static ScriptSource example(String file) throws Exception {
        Path p = ExamplesTest.SDK.resolve("examples").resolve(file);
        String name = file.replace(".c", ".o");
        return new ScriptSource(name, "examples/" + file, ScriptCompiler.compile(file, Files.readAllBytes(p)));
    }

    private static ScriptSource c(String name, String code) throws Exception {
        String src = "#include \"zeroserve.h\"\n" + code;
        return new ScriptSource(name + ".o", "test/" + name + ".c",
                ScriptCompiler.compile(name + ".c", src.getBytes(StandardCharsets.UTF_8)));
    }

    private static String body(ScriptResult r) {
        return new String(r.response().body(), StandardCharsets.UTF_8);
    }

    @Test
    void healthJson() throws Exception {
        ScriptChain chain = h.host.load(List.of(example("health_json.c")), null);
        ScriptResult r = chain.run(TestRequest.get("/healthz"));
        assertEquals(ScriptResult.Action.RESPOND, r.action());
        assertEquals("application/json", r.response().contentType());
        assertEquals("{\"status\":\"ok\",\"time_ms\":" + h.clock.get() + ",\"path\":\"/healthz\"}", body(r));
        assertEquals(ScriptResult.Action.CONTINUE, chain.run(TestRequest.get("/other")).action());
    }

    @Test
    void gatewayCallsGreeter() throws Exception {
        ScriptChain chain = h.host.load(List.of(example("gateway.c"), example("greeter.c")), null);
        assertEquals("{\"message\":\"hello, ada\"}", body(chain.run(TestRequest.get("/greet?name=ada"))));
        assertEquals("{\"message\":\"hello, stranger\"}", body(chain.run(TestRequest.get("/greet"))));
        ScriptChain alone = h.host.load(List.of(example("gateway.c")), null);
        assertEquals(502, alone.run(TestRequest.get("/greet")).response().status());
    }

    @Test
    void loggingAndTemplating() throws Exception {
        ScriptChain chain = h.host.load(List.of(example("log_request.c"), example("templating.c")), null);
        ScriptResult r = chain.run(TestRequest.get("/page.html?user=zoe").header("User-Agent", "curl/8"));
        assertEquals(ScriptResult.Action.CONTINUE, r.action());
        assertTrue(h.log.contains("[user_log] 01TESTREQUEST0000000000000: log_request.o: GET /page.html?user=zoe "
                + "from 127.0.0.1:40000 ua=curl/8"), h.log.toString());
        assertEquals("<b>Hello zoe</b>", new String(r.template(
                "<b><zs-meta>greeting</zs-meta> <zs-meta>user</zs-meta></b>".getBytes(StandardCharsets.UTF_8)),
                StandardCharsets.UTF_8));
        ResponseHead head = new ResponseHead(200);
        r.finishResponse(head);
        assertEquals("zeroserve", head.get("x-templated-by"));
    }

    @Test
    void rateLimitByClientIp() throws Exception {
        ScriptChain chain = h.host.load(List.of(example("rate_limit.c")), null);
        for (int i = 0; i < 5; i++) {
            assertEquals(ScriptResult.Action.CONTINUE, chain.run(TestRequest.get("/")).action());
        }
        ScriptResult r = chain.run(TestRequest.get("/"));
        assertEquals(429, r.response().status());
        ResponseHead head = new ResponseHead(429);
        r.finishResponse(head);
        assertEquals("1", head.get("retry-after"));
        h.clock.addAndGet(1000);
        assertEquals(ScriptResult.Action.CONTINUE, chain.run(TestRequest.get("/")).action());
    }

    @Test
    void signedLinks() throws Exception {
        h.env.put("LINK_SECRET", "s3cret");
        ScriptChain chain = h.host.load(List.of(example("signed_links.c")), null);
        long expires = h.clock.get() + 60_000;
        byte[] mac = CryptoHelpers.hmacSha256("s3cret".getBytes(StandardCharsets.UTF_8),
                ("/private/report.pdf|" + expires).getBytes(StandardCharsets.UTF_8));
        String sig = java.util.HexFormat.of().formatHex(mac);
        assertEquals(ScriptResult.Action.CONTINUE,
                chain.run(TestRequest.get("/private/report.pdf?expires=" + expires + "&sig=" + sig)).action());
        assertEquals(403, chain.run(TestRequest.get("/private/report.pdf?expires=" + expires + "&sig="
                + sig.replace(sig.charAt(0), sig.charAt(0) == 'a' ? 'b' : 'a'))).response().status());
        assertEquals(403, chain.run(TestRequest.get("/private/report.pdf")).response().status());
        assertEquals(ScriptResult.Action.CONTINUE, chain.run(TestRequest.get("/public")).action());
    }

    @Test
    void sigv4PresignRedirect() throws Exception {
        h.env.put("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE");
        h.env.put("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
        h.env.put("S3_HOST", "examplebucket.s3.amazonaws.com");
        h.env.put("AWS_REGION", "us-east-1");
        h.clock.set(1369353600_000L);
        ScriptChain chain = h.host.load(List.of(example("sigv4_presign.c")), null);
        ScriptResult r = chain.run(TestRequest.get("/download/test.txt"));
        assertEquals(302, r.response().status());
        ResponseHead head = new ResponseHead(302);
        r.finishResponse(head);
        // The 300-second variant of AWS's example request; the 86400-second one is checked in SigV4Test.
        assertTrue(head.get("location").startsWith("https://examplebucket.s3.amazonaws.com/test.txt?"
                + "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1"
                + "%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=300&X-Amz-SignedHeaders=host"
                + "&X-Amz-Signature="), head.get("location"));
    }

    @Test
    void wildPointerAnswers500AndStopsTheChain() throws Exception {
        ScriptChain chain = h.host.load(List.of(
                c("10-wild", "ZS_ENTRY zs_u64 e(void) { volatile char *p = (char *)0x12345678; *p = 1; return 0; }"),
                c("20-never", "ZS_ENTRY zs_u64 e(void) { zs_respond(200, 0, 0); return 0; }")), null);
        ScriptResult r = chain.run(TestRequest.get("/"));
        assertEquals(ScriptResult.Action.FAULT, r.action());
        assertEquals(500, r.response().status());
        assertTrue(h.log.stream().anyMatch(l -> l.contains("script '10-wild.o' section 'zeroserve.request' failed: ")
                && l.contains("out of bounds store")), h.log.toString());
    }

    @Test
    void badHelperArgumentsFaultTheScriptOnly() throws Exception {
        ScriptChain chain = h.host.load(List.of(c("bad",
                "ZS_ENTRY zs_u64 e(void) { char b[8]; zs_req_path(b, 1ULL << 40); return 0; }")), null);
        assertEquals(ScriptResult.Action.FAULT, chain.run(TestRequest.get("/")).action());
        ScriptChain ok = h.host.load(List.of(example("health_json.c")), null);
        assertEquals(200, ok.run(TestRequest.get("/healthz")).response().status());
    }

    @Test
    void unsupportedHelperFailsTheLoadNamingIt() throws Exception {
        ScriptSource vici = c("vici",
                "ZS_ENTRY zs_u64 e(void) { zs_vici_eap_identity_by_ip(ZS_STR(\"10.0.0.1\")); return 0; }");
        ScriptLoadException e = assertThrows(ScriptLoadException.class, () -> h.host.load(List.of(vici), null));
        assertTrue(e.getMessage().contains("test/vici.c") && e.getMessage().contains("zs_vici_eap_identity_by_ip")
                && e.getMessage().contains("not supported yet"), e.getMessage());
    }

    @Test
    void endlessLoopHitsTheCpuBudget() throws Exception {
        Harness limited = new Harness(ScriptOptions.defaults().withTiming(Duration.ofMillis(1), Duration.ZERO,
                Duration.ofMillis(50)));
        ScriptChain chain = limited.host.load(List.of(c("spin",
                "ZS_ENTRY zs_u64 e(void) { volatile int x = 0; for (;;) x++; return 0; }")), null);
        ScriptResult r = chain.run(TestRequest.get("/"));
        assertEquals(ScriptResult.Action.FAULT, r.action());
        assertTrue(limited.log.stream().anyMatch(l -> l.contains("cpu budget")), limited.log.toString());
    }

    @Test
    void callDepthOnTheRuntime() throws Exception {
        ScriptChain chain = h.host.load(List.of(c("rec", """
                ZS_CALL_ENTRY(recurse, input) {
                  zs_s64 n = 0;
                  zs_json_read_i64(input, &n, sizeof n);
                  if (n == 0) return zs_json_new_object();
                  zs_json_set_i64(input, n - 1);
                  return zs_call(ZS_STR("rec"), ZS_STR("recurse"), input);
                }
                ZS_ENTRY zs_u64 e(void) {
                  char q[8];
                  zs_req_query(q, sizeof q);
                  zs_s64 arg = zs_json_new_object();
                  zs_json_set_i64(arg, q[0] - '0');
                  zs_s64 r = zs_call(ZS_STR("rec"), ZS_STR("recurse"), arg);
                  zs_respond(r > 0 ? 200 : 508, 0, 0);
                  return 0;
                }
                """)), null);
        assertEquals(200, chain.run(TestRequest.get("/?7")).response().status());
        assertEquals(508, chain.run(TestRequest.get("/?8")).response().status());
    }

    @Test
    void stackLeftoversOfOneRequestAreNotVisibleToTheNext() throws Exception {
        // A request copies its secret header onto the stack; a later request reads the same, uninitialised, bytes.
        ScriptChain chain = h.host.load(List.of(c("leak", """
                static ZS_INLINE void fill(volatile char *b) {
                  zs_req_header(ZS_STR("x-secret"), (char *)b, 64);
                }
                static ZS_INLINE void peek(volatile char *b) {
                  zs_respond(200, (const char *)b, 64);
                }
                ZS_ENTRY zs_u64 e(void) {
                  volatile char b[64];
                  char q[4];
                  zs_req_query(q, sizeof q);
                  if (q[0] == 'w') fill(b); else peek(b);
                  return 0;
                }
                """)), null);
        chain.run(TestRequest.get("/?w").header("X-Secret", "hunter2-hunter2"));
        for (int i = 0; i < 4; i++) {
            String seen = body(chain.run(TestRequest.get("/?r")));
            assertTrue(!seen.contains("hunter2"), "another request's data leaked: " + seen);
        }
    }

    @Test
    void inPlaceDecoding() throws Exception {
        ScriptChain chain = h.host.load(List.of(c("dec", """
                ZS_ENTRY zs_u64 e(void) {
                  char b[16] = "aGVsbG8=";
                  zs_s64 n = zs_base64_decode_in_place(b, 8, ZS_BASE64_STANDARD);
                  char hx[8] = "414243";
                  zs_s64 m = zs_hex_decode_in_place(hx, 6);
                  b[n] = ' ';
                  zs_memcpy(b + n + 1, hx, (zs_u64)m);
                  zs_respond(200, b, (zs_u64)(n + 1 + m));
                  return 0;
                }
                """)), null);
        assertEquals("hello ABC", body(chain.run(TestRequest.get("/"))));
    }

    @Test
    void busyScriptDoesNotStallConcurrentRequests() throws Exception {
        // The spinning script is throttled and yields; a concurrent request on another virtual thread completes
        // while it is still spinning. Completion is awaited, never timed.
        Harness limited = new Harness(ScriptOptions.defaults().withTiming(Duration.ofMillis(1),
                Duration.ofMillis(5), Duration.ZERO));
        ScriptChain chain = limited.host.load(List.of(c("maybe_spin", """
                ZS_ENTRY zs_u64 e(void) {
                  char q[8];
                  zs_req_query(q, sizeof q);
                  if (q[0] == 's') { volatile int x = 0; for (;;) x++; }
                  zs_respond(200, ZS_STR("fast"));
                  return 0;
                }
                """)), null);
        List<Thread> spinners = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            spinners.add(Thread.ofVirtual().start(() -> chain.run(TestRequest.get("/?s"))));
        }
        var result = new java.util.concurrent.atomic.AtomicReference<ScriptResult>();
        Thread t = Thread.ofVirtual().start(() -> result.set(chain.run(TestRequest.get("/?f"))));
        t.join();
        assertEquals("fast", body(result.get()));
        assertTrue(spinners.stream().allMatch(Thread::isAlive), "the spinners were still running");
        // Each spinner keeps the CPU past the threshold, so each is throttled and logs zeroserve's line once.
        java.util.function.LongSupplier throttled = () -> limited.log.stream()
                .filter(l -> l.matches("\\[script_runtime] \\S+: maybe_spin\\.o: throttling")).count();
        long deadline = System.nanoTime() + 60_000_000_000L; // a bound against a hang, not a timing assertion
        while (throttled.getAsLong() < 4 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        for (Thread s : spinners) {
            s.interrupt(); // an interrupted run ends with a CANCELLED fault at its next poll
        }
        for (Thread s : spinners) {
            s.join();
        }
        assertEquals(4, throttled.getAsLong(), limited.log.toString());
    }
}
