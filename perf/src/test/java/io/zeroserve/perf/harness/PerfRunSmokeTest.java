package io.zeroserve.perf.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the real {@code perf/run} command for one round of one scenario against zeroserve alone, and checks that the
 * Markdown table and the JSON are produced, that zeroserve's cell is either measured or {@code n/a} (a capability
 * not there yet), and that no process the run started is left behind.
 */
class PerfRunSmokeTest {
    private static final Set<String> ACCEPTED = Set.of("ok", "n/a");

    @Test
    void oneRoundOfOneScenarioAgainstZeroserveProducesTableAndJson(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("results");
        Path work = tmp.resolve("work");
        String output = runOneRound(tmp, "static-small-plain");

        String md = Files.readString(out.resolve("results.md"));
        assertTrue(md.contains("### static-small-plain"), () -> "no table for the scenario:\n" + md);
        assertTrue(md.contains("| server | req/s | p50 | p99 | server CPU µs/req |"), () -> "no table header:\n" + md);
        assertTrue(md.lines().anyMatch(l -> l.startsWith("| zeroserve")), () -> "no zeroserve row:\n" + md);
        assertTrue(output.contains("### static-small-plain"), "the table is printed as well as written");

        JsonObject json;
        try (JsonReader r = Json.createReader(new StringReader(Files.readString(out.resolve("results.json"))))) {
            json = r.readObject();
        }
        assertTrue(json.getJsonObject("machine").getInt("cpus") >= 1);
        assertTrue(json.getString("command").contains("--scenario static-small-plain"));
        assertEquals(1, json.getJsonArray("scenarios").size());
        JsonObject scenario = json.getJsonArray("scenarios").getJsonObject(0);
        assertEquals("static-small-plain", scenario.getString("name"));
        assertFalse(scenario.getJsonArray("servers").isEmpty(), "at least one zeroserve column");
        for (JsonValue v : scenario.getJsonArray("servers")) {
            JsonObject server = v.asJsonObject();
            assertTrue(server.getString("server").startsWith("zeroserve"), server::toString);
            String status = server.getString("status");
            assertTrue(ACCEPTED.contains(status), () -> "zeroserve column is '" + status + "': " + server);
            if (status.equals("ok")) {
                assertEquals(1, server.getJsonArray("rounds").size(), server::toString);
                JsonObject round = server.getJsonArray("rounds").getJsonObject(0);
                assertTrue(round.getJsonNumber("requests_per_s").doubleValue() > 0, server::toString);
                assertTrue(round.getJsonNumber("requests").longValue() > 0, server::toString);
                assertTrue(server.containsKey("median"), server::toString);
            } else {
                assertFalse(server.getString("reason").isBlank(), "an n/a cell says why");
            }
        }
        assertNoProcessLeftIn(work);
    }

    /**
     * The proxy scenario runs zeroserve's {@code zs_reverse_proxy} script against the harness's upstream: every
     * zeroserve column is measured (none {@code n/a}), and nothing is left running.
     */
    @Test
    void proxySmallIsMeasuredForZeroserve(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("results");
        Path work = tmp.resolve("work");
        String output = runOneRound(tmp, "proxy-small");
        JsonObject json;
        try (JsonReader r = Json.createReader(new StringReader(Files.readString(out.resolve("results.json"))))) {
            json = r.readObject();
        }
        JsonObject scenario = json.getJsonArray("scenarios").getJsonObject(0);
        assertEquals("proxy-small", scenario.getString("name"));
        assertFalse(scenario.getJsonArray("servers").isEmpty(), "at least one zeroserve column");
        for (JsonValue v : scenario.getJsonArray("servers")) {
            JsonObject server = v.asJsonObject();
            assertEquals("ok", server.getString("status"), () -> "zeroserve proxies now: " + server + "\n" + output);
            JsonObject round = server.getJsonArray("rounds").getJsonObject(0);
            assertTrue(round.getJsonNumber("requests").longValue() > 0, server::toString);
        }
        assertNoProcessLeftIn(work);
    }

    /**
     * Runs {@code perf/run} for one round of {@code scenario} against zeroserve, writing to {@code tmp}/results with
     * {@code tmp}/work as its scratch directory; checks it succeeded and returns its output.
     */
    private static String runOneRound(Path tmp, String scenario) throws Exception {
        Path repo = repositoryRoot();
        Path log = tmp.resolve("perf-run.log");
        List<String> command = List.of(repo.resolve("perf/run").toString(),
                "--servers", "zeroserve", "--scenario", scenario, "--rounds", "1",
                "--duration", "1", "--warmup", "1", "--budget", "300",
                "--out", tmp.resolve("results").toString(), "--work", tmp.resolve("work").toString());
        Process p = new ProcessBuilder(command).directory(repo.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!p.waitFor(600, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
            fail("perf/run did not finish within 600 s:\n" + Files.readString(log));
        }
        String output = Files.readString(log);
        assertEquals(0, p.exitValue(), () -> "perf/run failed:\n" + output);
        return output;
    }

    /** Every server the run started had the work directory on its command line; none may still be running. */
    private static void assertNoProcessLeftIn(Path work) {
        String marker = work.toString();
        List<String> left = ProcessHandle.allProcesses()
                .filter(h -> h.info().commandLine().map(c -> c.contains(marker)).orElse(false))
                .map(h -> h.pid() + " " + h.info().commandLine().orElse(""))
                .toList();
        assertTrue(left.isEmpty(), () -> "processes left running: " + left);
    }

    private static Path repositoryRoot() throws IOException {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.isExecutable(dir.resolve("perf/run")) && Files.isRegularFile(dir.resolve("zeroserve"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new IOException("no repository root (with perf/run) above " + Path.of("").toAbsolutePath());
    }
}
