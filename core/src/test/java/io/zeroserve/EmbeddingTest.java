package io.zeroserve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.helidon.webserver.WebServer;
import io.zeroserve.site.SiteLoadException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The two ways Java applications embed zeroserve. */
class EmbeddingTest {
    @TempDir
    Path dir;
    final HttpClient client = HttpClient.newHttpClient();

    String get(String url) throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body();
    }

    @Test
    void builderStartsAServerThatReportsItsPortsAndCloses() throws Exception {
        Path tar = TestSites.standard().writeTo(dir.resolve("site.tar"));
        int port;
        try (ZeroServe server = ZeroServe.builder().site(tar).address("127.0.0.1:0").address("127.0.0.1:0")
                .transport(TestSites.transport()).requestLogging(false).build().start()) {
            assertEquals(2, server.addresses().size());
            port = server.port();
            assertTrue(port > 0);
            assertEquals("200 hello, world\n", get("http://127.0.0.1:" + port + "/hello.txt"));
            assertEquals("200 hello, world\n", get("http://127.0.0.1:" + server.addresses().get(1).getPort()
                    + "/hello.txt"));
        }
        assertThrows(ConnectException.class, () -> get("http://127.0.0.1:" + port + "/hello.txt"),
                "closed servers stop listening");
    }

    @Test
    void startFailsCleanlyOnABadSite() {
        SiteLoadException e = assertThrows(SiteLoadException.class,
                () -> ZeroServe.builder().site(dir.resolve("missing.tar")).address("127.0.0.1:0").build().start());
        assertTrue(e.getMessage().contains("missing.tar"));
    }

    @Test
    void helidonServiceMountsASiteInsideAnExistingWebServer() throws Exception {
        Path tar = TestSites.standard().writeTo(dir.resolve("site.tar"));
        try (ZeroServeService docs = ZeroServeService.create(tar)) {
            WebServer web = WebServer.builder()
                    .port(0)
                    .host("127.0.0.1")
                    .routing(r -> r.get("/app", (req, res) -> res.send("app"))
                            .register("/static", docs))
                    .build()
                    .start();
            try {
                String base = "http://127.0.0.1:" + web.port();
                assertEquals("200 app", get(base + "/app"));
                assertEquals("200 hello, world\n", get(base + "/static/hello.txt"));
                assertEquals("200 <h1>docs</h1>", get(base + "/static/docs/"));
                assertEquals("404 Not Found", get(base + "/static/.zeroserve/secret.txt"));
            } finally {
                web.stop();
            }
        }
    }
}
