package io.zeroserve.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zeroserve.TestSites;
import io.zeroserve.ZeroServe;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hot reload: atomic swaps under load, broken tars rejected, the signal file. */
class ReloadTest {
    @TempDir
    Path dir;

    static String get(HttpClient client, String url) throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body();
    }

    private Path version(String name, String text) throws Exception {
        return TestSites.create().file("v.txt", text).file("big.bin", new byte[400_000]).writeTo(dir.resolve(name));
    }

    @Test
    void reloadUnderConcurrentRequestsLosesNoRequest() throws Exception {
        Path site = dir.resolve("site.tar");
        Files.copy(version("a.tar", "A"), site);
        version("b.tar", "B");
        try (ZeroServe server = ZeroServe.builder().site(site).address("127.0.0.1:0")
                .transport(TestSites.transport()).requestLogging(false).build().start()) {
            String url = "http://127.0.0.1:" + server.port();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger served = new AtomicInteger();
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            List<Thread> clients = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                clients.add(Thread.ofPlatform().start(() -> {
                    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                    while (!stop.get()) {
                        try {
                            String small = get(client, url + "/v.txt");
                            String big = get(client, url + "/big.bin");
                            if (!small.equals("200 A") && !small.equals("200 B")) {
                                failures.add(small);
                            }
                            if (!big.startsWith("200 ") || big.length() != 4 + 400_000) {
                                failures.add("big: " + big.length());
                            }
                            served.addAndGet(2);
                        } catch (Exception e) {
                            failures.add(e.toString());
                        }
                    }
                }));
            }
            for (int round = 0; round < 10; round++) {
                Thread.sleep(30);
                Path next = dir.resolve(round % 2 == 0 ? "b.tar" : "a.tar");
                Path staged = dir.resolve("staged.tar");
                Files.copy(next, staged, StandardCopyOption.REPLACE_EXISTING);
                Files.move(staged, site, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                assertEquals(Optional.empty(), server.reload());
            }
            stop.set(true);
            for (Thread client : clients) {
                client.join();
            }
            assertTrue(failures.isEmpty(), "failed requests: " + failures);
            assertTrue(served.get() > 0);
            HttpClient client = HttpClient.newHttpClient();
            assertEquals("200 A", get(client, url + "/v.txt"), "after an even number of swaps, A again");
        }
    }

    @Test
    void brokenTarAtReloadKeepsTheOldSite() throws Exception {
        Path site = dir.resolve("site.tar");
        Files.copy(version("a.tar", "A"), site);
        try (ZeroServe server = ZeroServe.builder().site(site).address("127.0.0.1:0")
                .transport(TestSites.transport()).requestLogging(false).build().start()) {
            String url = "http://127.0.0.1:" + server.port() + "/v.txt";
            Files.writeString(site, "this is not a tar");
            Optional<String> error = server.reload();
            assertTrue(error.isPresent());
            assertTrue(error.get().contains("site.tar"), error.get());
            assertEquals("200 A", get(HttpClient.newHttpClient(), url));
            Files.delete(site);
            assertTrue(server.reload().orElseThrow().contains("no such file"));
            assertEquals("200 A", get(HttpClient.newHttpClient(), url));
        }
    }

    @Test
    void signalFileChangeTriggersAReload() throws Exception {
        Path site = dir.resolve("site.tar");
        Files.copy(version("a.tar", "A"), site);
        Path signal = Files.writeString(dir.resolve("reload"), "0");
        try (ZeroServe server = ZeroServe.builder().site(site).address("127.0.0.1:0")
                .transport(TestSites.transport()).requestLogging(false).reloadSignalFile(signal).build().start()) {
            String url = "http://127.0.0.1:" + server.port() + "/v.txt";
            Files.copy(version("b.tar", "B"), site, StandardCopyOption.REPLACE_EXISTING);
            assertEquals("200 A", get(HttpClient.newHttpClient(), url), "no reload before the signal");
            Files.writeString(signal, "1");
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            String seen;
            do {
                Thread.sleep(100);
                seen = get(HttpClient.newHttpClient(), url);
            } while (!seen.equals("200 B") && System.nanoTime() < deadline);
            assertEquals("200 B", seen);
        }
    }
}
