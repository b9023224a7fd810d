package io.zeroserve.http;

import io.zeroserve.TestSites;
import io.zeroserve.ZeroServe;
import io.zeroserve.script.ScriptCompiler;
import io.zeroserve.script.ScriptConfig;
import io.zeroserve.script.ScriptOptions;
import io.zeroserve.site.SiteLoadException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Scripts behind the real HTTP server, over loopback sockets. */
class ScriptServingTest {
    @TempDir
    Path tmp;
    private ZeroServe server;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void needsClang() {
        Assumptions.assumeTrue(ScriptCompiler.available(), "clang is not installed");
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static byte[] compile(String name, String code) throws Exception {
        return ScriptCompiler.compile(name, ("#include \"zeroserve.h\"\n" + code).getBytes(StandardCharsets.UTF_8));
    }

    private ZeroServe start(Path site, ScriptConfig scripts) throws SiteLoadException {
        server = ZeroServe.builder().site(site).address("127.0.0.1:0").requestLogging(false).scripts(scripts)
                .build().start();
        return server;
    }

    private HttpResponse<String> get(String path) throws Exception {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).GET());
    }

    private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static final String API = """
            ZS_ENTRY zs_u64 e(void) {
              char path[64];
              zs_req_normalized_path(path, sizeof path);
              zs_meta_set(ZS_STR("zs.response.header.x-powered-by"), ZS_STR("ebpf"));
              zs_meta_set(ZS_STR("user"), ZS_STR("alice"));
              if (zs_strcmp(path, "/api") == 0) {
                zs_s64 o = zs_json_parse(ZS_STR("{\\"ok\\":true}"));
                zs_json_respond(201, o);
              } else if (zs_strcmp(path, "/crash") == 0) {
                zs_object_free(77);
              } else if (zs_strcmp(path, "/abort") == 0) {
                zs_abort();
              } else if (zs_strcmp(path, "/rewrite") == 0) {
                zs_req_set_uri(ZS_STR("/hello.txt"));
              } else if (zs_strcmp(path, "/post-as-get") == 0) {
                zs_req_set_method(ZS_STR("GET"));
                zs_req_set_uri(ZS_STR("/hello.txt"));
              }
              return 0;
            }
            """;

    private Path site(byte[]... scripts) throws Exception {
        TestSites site = TestSites.create().file("hello.txt", "hello\n")
                .file("page.html", "<p>hi <zs-meta>user</zs-meta></p>").file("plain.css", "<zs-meta>user</zs-meta>");
        for (int i = 0; i < scripts.length; i++) {
            site.file(".zeroserve/scripts/" + (10 * (i + 1)) + ".o", scripts[i]);
        }
        return site.writeTo(Files.createTempFile(tmp, "site", ".tar"));
    }

    @Test
    void scriptResponsesStaticFilesAndMetadataHeaders() throws Exception {
        start(site(compile("api.c", API)), ScriptConfig.defaults());
        HttpResponse<String> api = get("/api");
        assertEquals(201, api.statusCode());
        assertEquals("{\"ok\":true}", api.body());
        assertEquals(Optional.of("application/json"), api.headers().firstValue("content-type"));
        assertEquals(Optional.of("ebpf"), api.headers().firstValue("x-powered-by"));

        HttpResponse<String> hello = get("/hello.txt");
        assertEquals(200, hello.statusCode());
        assertEquals("hello\n", hello.body());
        assertEquals(Optional.of("ebpf"), hello.headers().firstValue("x-powered-by"), "static responses too");

        HttpResponse<String> page = get("/page.html");
        assertEquals("<p>hi alice</p>", page.body(), "HTML is templated when metadata exists");
        assertTrue(page.headers().firstValue("etag").isEmpty(), "templated responses carry no ETag");
        assertEquals("<zs-meta>user</zs-meta>", get("/plain.css").body(), "CSS is never templated");

        HttpResponse<String> missing = get("/nope");
        assertEquals(404, missing.statusCode());
        assertEquals(Optional.of("ebpf"), missing.headers().firstValue("x-powered-by"), "error pages too");

        assertEquals("hello\n", get("/rewrite").body(), "zs_req_set_uri reaches static serving");
        HttpResponse<String> post = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                + "/post-as-get")).POST(HttpRequest.BodyPublishers.ofString("x")));
        assertEquals(200, post.statusCode(), "a method changed to GET is served statically");
    }

    @Test
    void faultAnswers500AndAbortClosesTheConnection() throws Exception {
        start(site(compile("api.c", API)), ScriptConfig.defaults());
        HttpResponse<String> crash = get("/crash");
        assertEquals(500, crash.statusCode());
        assertEquals("", crash.body());
        assertEquals(Optional.of("text/plain; charset=utf-8"), crash.headers().firstValue("content-type"));
        assertEquals(200, get("/hello.txt").statusCode(), "the server keeps serving");

        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            OutputStream out = s.getOutputStream();
            out.write("GET /abort HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            assertEquals(-1, in.read(), "closed without a response");
        }
    }

    @Test
    void pluginsRunBeforeTheSiteAndStandaloneScriptsServeNoFiles() throws Exception {
        Path plugin = tmp.resolve("first.c");
        Files.writeString(plugin, "#include \"zeroserve.h\"\nZS_ENTRY zs_u64 e(void) {"
                + " zs_respond(299, ZS_STR(\"plugin\")); return 0; }\n");
        start(site(compile("api.c", API)), new ScriptConfig(List.of(plugin), List.of(), ScriptOptions.defaults()));
        assertEquals("plugin", get("/api").body());
        server.close();
        server = null;

        Path standalone = tmp.resolve("solo.c");
        Files.writeString(standalone, "#include \"zeroserve.h\"\nZS_ENTRY zs_u64 e(void) { char p[32];"
                + " zs_req_path(p, sizeof p); if (p[1] == 'x') zs_respond(200, ZS_STR(\"solo\")); return 0; }\n");
        start(standalone, ScriptConfig.defaults());
        assertEquals("solo", get("/x").body());
        assertEquals(404, get("/.zeroserve/scripts/solo.o").statusCode());
        assertEquals(404, get("/y").statusCode());
    }

    @Test
    void reloadKeepsTheLastGoodChain() throws Exception {
        Path tar = site(compile("api.c", API));
        start(tar, ScriptConfig.defaults());
        assertEquals(201, get("/api").statusCode());
        // A site whose script uses a helper that is not supported: the load fails, the old chain keeps serving.
        TestSites.create().file("hello.txt", "new\n").file(".zeroserve/scripts/x.o",
                compile("x.c", "ZS_ENTRY zs_u64 e(void) { zs_vici_eap_identity_by_ip(ZS_STR(\"10.0.0.1\")); return 0; }"))
                .writeTo(tar);
        Optional<String> error = server.reload();
        assertTrue(error.isPresent() && error.get().contains("zs_vici_eap_identity_by_ip"), error.toString());
        assertEquals(201, get("/api").statusCode());
        assertEquals("hello\n", get("/hello.txt").body(), "and the old site");
        TestSites.create().file("hello.txt", "new\n").writeTo(tar);
        assertEquals(Optional.empty(), server.reload());
        assertEquals(404, get("/api").statusCode());
        assertEquals("new\n", get("/hello.txt").body());
    }

    @Test
    void reloadPairsEachSiteWithTheScriptsLoadedWithIt() throws Exception {
        // Each version's script names its version in a header; its v.txt holds the same letter. Under reloads,
        // every response must carry one version's header and the same version's file.
        Path[] versions = new Path[2];
        for (int i = 0; i < 2; i++) {
            String v = i == 0 ? "A" : "B";
            versions[i] = TestSites.create().file("v.txt", v).file(".zeroserve/scripts/10.o", compile("v.c",
                    "ZS_ENTRY zs_u64 e(void) { zs_meta_set(ZS_STR(\"zs.response.header.x-script\"), ZS_STR(\""
                            + v + "\")); return 0; }")).writeTo(tmp.resolve(v + ".tar"));
        }
        Path tar = tmp.resolve("site.tar");
        Files.copy(versions[0], tar);
        start(tar, ScriptConfig.defaults());
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.ConcurrentLinkedQueue<String> mismatches = new java.util.concurrent.ConcurrentLinkedQueue<>();
        java.util.concurrent.atomic.AtomicInteger served = new java.util.concurrent.atomic.AtomicInteger();
        List<Thread> clients = new java.util.ArrayList<>();
        for (int c = 0; c < 4; c++) {
            clients.add(Thread.ofPlatform().start(() -> {
                HttpClient own = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                while (!stop.get()) {
                    try {
                        HttpResponse<String> r = own.send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + server.port() + "/v.txt")).build(),
                                HttpResponse.BodyHandlers.ofString());
                        String header = r.headers().firstValue("x-script").orElse("none");
                        if (r.statusCode() != 200 || !header.equals(r.body())) {
                            mismatches.add(r.statusCode() + " script " + header + " file " + r.body());
                        }
                        served.incrementAndGet();
                    } catch (Exception e) {
                        mismatches.add(e.toString());
                    }
                }
            }));
        }
        for (int round = 1; round <= 20; round++) {
            Path staged = tmp.resolve("staged.tar");
            Files.copy(versions[round % 2], staged, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.move(staged, tar, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            assertEquals(Optional.empty(), server.reload());
            Thread.sleep(10);
        }
        stop.set(true);
        for (Thread client : clients) {
            client.join();
        }
        assertTrue(mismatches.isEmpty(), "responses mixing two versions: " + mismatches);
        assertTrue(served.get() > 0);
        HttpResponse<String> last = get("/v.txt");
        assertEquals("A", last.body(), "after an even number of swaps, A again");
        assertEquals("A", last.headers().firstValue("x-script").orElse("none"));
    }

    @Test
    void endlessScriptsDoNotStallOtherConnections() throws Exception {
        // One io_uring ring: its poller thread carries every connection's thread, so four scripts that never end
        // must be time-sliced off it for another connection to be served (on NIO, four spinners outnumber the
        // JDK's carriers). The CPU budget only bounds the spinners' life; the fast request must not wait for it.
        // The short grace period lets the stop cancel the spinners instead of waiting for them.
        Path tar = site(compile("spin.c", """
                ZS_ENTRY zs_u64 e(void) {
                  char q[8];
                  zs_req_query(q, sizeof q);
                  if (q[0] == 's') { volatile int x = 0; for (;;) x++; }
                  zs_respond(200, ZS_STR("fast"));
                  return 0;
                }
                """));
        System.setProperty("zeroserve.io_uring.rings", "1");
        try {
            server = ZeroServe.builder().site(tar).address("127.0.0.1:0").requestLogging(false)
                    .transport(TestSites.transport()).gracePeriod(java.time.Duration.ofMillis(200))
                    .scripts(new ScriptConfig(List.of(), List.of(), ScriptOptions.defaults()
                            .withTiming(java.time.Duration.ofMillis(2), java.time.Duration.ofMillis(20),
                                    java.time.Duration.ofSeconds(60))))
                    .build().start();
        } finally {
            System.clearProperty("zeroserve.io_uring.rings");
        }
        List<Socket> spinners = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                Socket spinner = new Socket(InetAddress.getLoopbackAddress(), server.port());
                spinner.getOutputStream().write("GET /?s HTTP/1.1\r\nHost: x\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                spinners.add(spinner);
            }
            for (int i = 0; i < 3; i++) {
                // The timeout bounds a stall (which fails the test), it is not a timing assertion.
                HttpResponse<String> fast = send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + "/?f")).timeout(java.time.Duration.ofSeconds(30)));
                assertEquals(200, fast.statusCode());
                assertEquals("fast", fast.body());
            }
            for (Socket spinner : spinners) {
                assertEquals(0, spinner.getInputStream().available(), "a spinner answered: its script ended");
            }
        } finally {
            for (Socket spinner : spinners) {
                spinner.close();
            }
        }
    }

    @Test
    void rateLimitStateSurvivesReload() throws Exception {
        Path tar = site(compile("rl.c", "ZS_ENTRY zs_u64 e(void) {"
                + " if (zs_rate_limit(ZS_STR(\"k\"), 0, 0, 1) != 0) zs_respond(429, 0, 0); return 0; }"));
        // A fixed clock: the hour window cannot roll over during the test.
        start(tar, new ScriptConfig(List.of(), List.of(),
                ScriptOptions.defaults().withWallClock(() -> 1_700_000_000_000L)));
        assertEquals(200, get("/hello.txt").statusCode());
        assertEquals(429, get("/hello.txt").statusCode());
        assertEquals(Optional.empty(), server.reload());
        assertEquals(429, get("/hello.txt").statusCode());
    }

    @Test
    void h2cRequestsSeeHostAndVersion() throws Exception {
        start(site(compile("h2.c", """
                ZS_ENTRY zs_u64 e(void) {
                  char out[96];
                  char *p = out;
                  zs_s64 n = zs_req_header(ZS_STR("host"), p, 64);
                  p += n;
                  *p++ = ' ';
                  *p++ = (char)('0' + zs_req_proto_major());
                  zs_respond(200, out, (zs_u64)(p - out));
                  return 0;
                }
                """)), ScriptConfig.defaults());
        io.zeroserve.Curl.Response r = io.zeroserve.Curl.run("http://127.0.0.1:" + server.port() + "/",
                "--http2-prior-knowledge");
        assertEquals("127.0.0.1:" + server.port() + " 2", r.text());
        assertEquals("HTTP/2", r.protocol());
    }

    @Test
    void statusesWithoutBodyAndOutOfRangeStatuses() throws Exception {
        start(site(compile("st.c", """
                ZS_ENTRY zs_u64 e(void) {
                  char q[8];
                  zs_s64 n = zs_req_query(q, sizeof q);
                  zs_u64 status = 0;
                  for (zs_s64 i = 0; i < n; i++) status = status * 10 + (zs_u64)(q[i] - '0');
                  zs_respond(status, ZS_STR("body"));
                  return 0;
                }
                """)), ScriptConfig.defaults());
        HttpResponse<String> r204 = get("/?204");
        assertEquals(204, r204.statusCode());
        assertEquals("", r204.body());
        // zeroserve sends no Content-Length on 204; Helidon's HTTP/1 writer adds "0" (harmless: no body either way).
        assertTrue(r204.headers().firstValue("content-length").orElse("0").equals("0"));
        assertEquals(304, get("/?304").statusCode());
        assertEquals(500, get("/?1000").statusCode(), "outside 100..999 is sent as 500");
        HttpResponse<String> odd = get("/?299");
        assertEquals(299, odd.statusCode());
        assertEquals("body", odd.body());
        assertEquals(Optional.empty(), odd.headers().firstValue("content-type"), "zs_respond sets no Content-Type");
    }

    @Test
    void connectionInfoOverHttps() throws Exception {
        Path tar = site(compile("ci.c", """
                ZS_ENTRY zs_u64 e(void) {
                  zs_s64 info = zs_connection_info();
                  zs_s64 out = zs_json_new_object();
                  zs_json_set(out, ZS_STR("info"), info);
                  zs_s64 scheme = zs_json_new_object();
                  char s[8];
                  zs_s64 n = zs_req_scheme(s, sizeof s);
                  zs_json_set_string(scheme, s, (zs_u64)n);
                  zs_json_set(out, ZS_STR("scheme"), scheme);
                  zs_s64 tls = zs_json_new_object();
                  zs_json_set_i64(tls, zs_req_is_tls());
                  zs_json_set(out, ZS_STR("is_tls"), tls);
                  zs_json_respond(200, out);
                  return 0;
                }
                """));
        server = ZeroServe.builder().site(tar).address("127.0.0.1:0").tlsAddress("127.0.0.1:0").requestLogging(false)
                .tls(io.zeroserve.tls.TlsSettings.builder().stateDirectory(tmp.resolve("state")).build())
                .build().start();
        int tlsPort = server.tlsAddresses().getFirst().getPort();
        io.zeroserve.Curl.Response r = io.zeroserve.Curl.run("https://127.0.0.1:" + tlsPort + "/", "-k", "--http1.1");
        String body = r.text();
        assertTrue(body.contains("\"tls\":true") && body.contains("\"tls_handshake_complete\":true")
                && body.contains("\"alpn\":\"http/1.1\"") && body.contains("\"scheme\":\"https\"")
                && body.contains("\"is_tls\":1") && body.contains("\"ja4\":\"t13"), body);
        assertTrue(get("/").body().contains("\"tls\":false"), "plain HTTP on the other listener");
    }

    @Test
    void headGetsHeadersOnly() throws Exception {
        start(site(compile("api.c", API)), ScriptConfig.defaults());
        HttpResponse<String> head = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                + "/api")).method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertEquals(201, head.statusCode());
        assertEquals("", head.body());
        assertEquals(Optional.of("11"), head.headers().firstValue("content-length"));
    }

    @Test
    void aScriptThatFailsToLoadFailsStartup() throws Exception {
        Path tar = site(new byte[] {1, 2, 3});
        SiteLoadException e = assertThrows(SiteLoadException.class, () -> start(tar, ScriptConfig.defaults()));
        assertTrue(e.getMessage().contains(".zeroserve/scripts/10.o"), e.getMessage());
    }

    static String readAll(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
}
