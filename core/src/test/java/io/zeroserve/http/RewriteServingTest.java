package io.zeroserve.http;

import io.zeroserve.TestSites;
import io.zeroserve.ZeroServe;
import io.zeroserve.script.ScriptCompiler;
import io.zeroserve.script.ScriptConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code zs_req_rewrite_uri}, {@code zs_req_rewrite_query} and {@code zs_res_continue_request} in a compiled
 * script behind the real server: the rewritten URI reaches static serving, a rewrite that leaves the root is a 400,
 * and a hook that continues makes the scripts run again (counted in a response header from metadata).
 */
class RewriteServingTest {
    /** Counts its runs in metadata ({@code x-runs}), then rewrites or responds by path. */
    private static final String SCRIPT = """
            static ZS_INLINE int starts(const char *s, const char *prefix) {
              return zs_strncmp(s, prefix, zs_strlen(prefix)) == 0;
            }

            ZS_ENTRY zs_u64 on_request(void) {
              char runs[8];
              zs_s64 n = zs_meta_get(ZS_STR("runs"), runs, sizeof runs);
              unsigned int count = 0;
              for (int i = 0; i < n && i < 6; i++)
                count = count * 10 + (unsigned int)(runs[i] - '0');
              zs_utoa10(count + 1, runs, sizeof runs);
              zs_meta_set(ZS_STR("runs"), runs, zs_strlen(runs));
              zs_meta_set(ZS_STR("zs.response.header.x-runs"), runs, zs_strlen(runs));

              char path[128];
              zs_req_normalized_path(path, sizeof path);
              if (starts(path, "/old/")) {
                zs_req_rewrite_uri(ZS_STR("{\\"strip_path_prefix\\":\\"/old\\"}"));
              } else if (starts(path, "/pages/")) {
                zs_req_rewrite_uri(ZS_STR("{\\"path_regexp\\":[{\\"find\\":\\"^/pages/(?P<page_name>[a-z]+)$\\","
                                          "\\"replace\\":\\"/site/${page_name}.html\\"}]}"));
              } else if (starts(path, "/escape/")) {
                zs_req_rewrite_uri(ZS_STR("{\\"uri_substring\\":[{\\"find\\":\\"/escape\\",\\"replace\\":\\"/..\\"}]}"));
              } else if (starts(path, "/query")) {
                zs_req_rewrite_query(ZS_STR("{\\"rename\\":[{\\"key\\":\\"a\\",\\"val\\":\\"x\\"}],"
                                            "\\"add\\":[{\\"key\\":\\"c\\",\\"val\\":\\"3 4\\"}],\\"delete\\":[\\"utm\\"]}"));
                char uri[128];
                zs_s64 len = zs_req_uri(uri, sizeof uri);
                zs_respond(200, uri, len);
              } else if (starts(path, "/bad-ops")) {
                zs_req_rewrite_uri(ZS_STR("{\\"path_regexp\\":[{\\"find\\":\\"(\\"}]}"));
              } else if (starts(path, "/private/")) {
                char user[32];
                if (zs_req_header(ZS_STR("x-user"), user, sizeof user) == 0) {
                  /* forward_auth: the auth backend's answer (here a 204) goes to the hook, not the client */
                  zs_res_hook(ZS_STR(""), ZS_STR("on_auth"), 0);
                  zs_respond(204, ZS_STR(""));
                }
              } else if (starts(path, "/loop")) {
                zs_res_hook(ZS_STR(""), ZS_STR("again"), 0);
              }
              return 0;
            }

            ZS_CALL_ENTRY(on_auth, input) {
              zs_s64 status = zs_res_status();
              if (status >= 200 && status < 300) {
                zs_req_set_header(ZS_STR("x-user"), ZS_STR("alice"));
                zs_res_continue_request();
              }
              return 0;
            }

            ZS_CALL_ENTRY(again, input) {
              zs_res_continue_request();
              return 0;
            }
            """;

    @TempDir
    Path tmp;
    private ZeroServe server;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void needsClang() {
        Assumptions.assumeTrue(ScriptCompiler.available(), "clang is not installed");
    }

    @BeforeEach
    void start() throws Exception {
        byte[] script = ScriptCompiler.compile("rewrite.c",
                ("#include \"zeroserve.h\"\n" + SCRIPT).getBytes(StandardCharsets.UTF_8));
        Path site = TestSites.create().file("hello.txt", "hello\n").file("site/about.html", "<p>about</p>")
                .file("private/secret.txt", "secret\n").file(".zeroserve/scripts/10-rewrite.o", script)
                .writeTo(Files.createTempFile(tmp, "site", ".tar"));
        server = ZeroServe.builder().site(site).address("127.0.0.1:0").transport(TestSites.transport())
                .requestLogging(false).scripts(ScriptConfig.defaults()).build().start();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private HttpResponse<String> get(String target) throws Exception {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + target)).GET());
    }

    private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void rewrittenPathsReachStaticServing() throws Exception {
        HttpResponse<String> old = get("/old/hello.txt");
        assertEquals(200, old.statusCode());
        assertEquals("hello\n", old.body(), "strip_path_prefix");
        HttpResponse<String> page = get("/pages/about");
        assertEquals(200, page.statusCode());
        assertEquals("<p>about</p>", page.body(), "path_regexp with a named group");
        assertEquals(404, get("/pages/About").statusCode(), "the regexp did not match: no such file");
    }

    @Test
    void rewrittenQueryIsReencoded() throws Exception {
        HttpResponse<String> r = get("/query?b=2&a=1&utm=x");
        assertEquals(200, r.statusCode());
        assertEquals("/query?b=2&c=3+4&x=1", r.body());
    }

    @Test
    void aRewriteAboveTheRootIsA400() throws Exception {
        HttpResponse<String> r = get("/escape/hello.txt");
        assertEquals(400, r.statusCode(), "/../hello.txt does not normalize");
        assertEquals("Bad Request", r.body());
        assertEquals(Optional.of("1"), r.headers().firstValue("x-runs"), "metadata headers still apply");
    }

    @Test
    void badOpsAnswer500() throws Exception {
        HttpResponse<String> r = get("/bad-ops");
        assertEquals(500, r.statusCode());
        assertEquals("", r.body());
    }

    @Test
    void continueRequestRunsTheScriptsAgain() throws Exception {
        HttpResponse<String> r = get("/private/secret.txt");
        assertEquals(200, r.statusCode(), "the 204 of the auth step was suppressed");
        assertEquals("secret\n", r.body());
        assertEquals(Optional.of("2"), r.headers().firstValue("x-runs"), "the script ran twice");

        HttpResponse<String> post = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                + "/private/secret.txt")).POST(HttpRequest.BodyPublishers.ofString("body")));
        assertEquals(405, post.statusCode(), "after the rerun a POST falls through to the 405, as any POST");
        assertEquals(Optional.of("2"), post.headers().firstValue("x-runs"));
        assertEquals(Optional.empty(), post.headers().firstValue("content-length").filter("0"::equals),
                "the suppressed 204's framing is gone");
    }

    @Test
    void endlessContinuingStopsWithA500() throws Exception {
        HttpResponse<String> r = get("/loop");
        assertEquals(500, r.statusCode());
        assertEquals(Optional.of("9"), r.headers().firstValue("x-runs"), "the first run and 8 reruns");
        assertEquals(200, get("/hello.txt").statusCode(), "the connection and server keep serving");
    }
}
