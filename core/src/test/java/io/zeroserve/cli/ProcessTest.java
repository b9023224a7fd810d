package io.zeroserve.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.zeroserve.TestSites;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real process: the start line, SIGHUP reload (the deploy story), SIGTERM exit 0. */
class ProcessTest {
    @TempDir
    Path dir;

    @Test
    void deployWithMoveAndSighupThenStopWithSigterm() throws Exception {
        Path site = TestSites.create().file("v.txt", "one").writeTo(dir.resolve("site.tar"));
        TestSites.create().file("v.txt", "two").writeTo(dir.resolve("new.tar"));
        try (ServerProcess server = ServerProcess.start("--addr", "127.0.0.1:0", site.toString())) {
            int port = server.awaitPort("http");
            HttpClient client = HttpClient.newHttpClient();
            URI uri = URI.create("http://127.0.0.1:" + port + "/v.txt");
            assertEquals("one", client.send(HttpRequest.newBuilder(uri).build(),
                    HttpResponse.BodyHandlers.ofString()).body());

            Files.move(dir.resolve("new.tar"), site, StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            server.reload();
            assertEquals("two", client.send(HttpRequest.newBuilder(uri).build(),
                    HttpResponse.BodyHandlers.ofString()).body());

            assertEquals(0, server.stop(), "graceful stop exits 0");
        }
    }
}
