package io.zeroserve.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zeroserve.TestSites;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process process = new ProcessBuilder(List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "--addr", "127.0.0.1:0",
                "--transport", TestSites.transport(), site.toString()))
                .redirectErrorStream(true).start();
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                reader.lines().forEach(lines::add);
            } catch (Exception ignored) {
                // the process ended
            }
        });
        try {
            Pattern listening = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");
            int port = -1;
            while (port < 0) {
                String line = lines.poll(60, TimeUnit.SECONDS);
                assertTrue(line != null, "no 'listening on' line");
                Matcher m = listening.matcher(line);
                if (m.find()) {
                    port = Integer.parseInt(m.group(1));
                }
            }
            HttpClient client = HttpClient.newHttpClient();
            URI uri = URI.create("http://127.0.0.1:" + port + "/v.txt");
            assertEquals("one", client.send(HttpRequest.newBuilder(uri).build(),
                    HttpResponse.BodyHandlers.ofString()).body());

            Files.move(dir.resolve("new.tar"), site, StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            new ProcessBuilder("kill", "-HUP", Long.toString(process.pid())).start().waitFor();
            String line;
            do {
                line = lines.poll(60, TimeUnit.SECONDS);
                assertTrue(line != null, "no reload line");
            } while (!line.contains("[reload] now serving"));
            assertEquals("two", client.send(HttpRequest.newBuilder(uri).build(),
                    HttpResponse.BodyHandlers.ofString()).body());

            process.destroy(); // SIGTERM
            assertTrue(process.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, process.exitValue(), "graceful stop exits 0");
        } finally {
            process.destroyForcibly();
        }
    }
}
