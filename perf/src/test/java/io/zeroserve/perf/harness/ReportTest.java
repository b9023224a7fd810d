package io.zeroserve.perf.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.time.Instant;
import java.util.List;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The Markdown table and the JSON, built from fixed figures. */
class ReportTest {
    private static Report report() {
        Options o = Options.parse(new String[] {"--repo", "/r", "--scenario", "static-small-h1", "--rounds", "2"});
        Scenario s = Scenario.named("static-small-h1");
        Cell nginx = new Cell("nginx", "nginx", false, false);
        nginx.plannedRounds = 2;
        nginx.rounds.add(new LoadClient.Measurement(30_000, 30_000, 500, 1_500, 20, 0, 0));
        nginx.rounds.add(new LoadClient.Measurement(10_000, 10_000, 700, 2_500, 40, 0, 0));
        Cell zs = new Cell("zeroserve io_uring", "zeroserve io_uring", true, true);
        zs.plannedRounds = 2;
        zs.rounds.add(new LoadClient.Measurement(10_000, 10_000, 1_000, 3_000, 60, 0, 3));
        Cell caddy = new Cell("caddy", "caddy", false, false);
        caddy.plannedRounds = 2;
        caddy.unavailable("caddy exited | status 1");
        Cell nio = new Cell("zeroserve nio", "zeroserve nio", true, true);
        nio.plannedRounds = 2;
        nio.unavailable("no HTTPS listener");
        Machine m = new Machine(List.of(0, 1), "Test CPU \"X\"", "6.1", "0", "1");
        Harness.Plan plan = Harness.Plan.make(o, List.of());
        return new Report(Instant.parse("2026-11-27T05:00:00Z"), m, o, plan,
                List.of(new Report.ScenarioResult(s, List.of(nginx, caddy, zs, nio))), "1.00 0.50 0.25", "2.00 1 0.5");
    }

    @Test
    void markdownHasOneRowPerServerWithMediansAndRatios() {
        String md = report().markdown();
        assertTrue(md.contains("### static-small-h1: "), md);
        assertTrue(md.contains("| nginx | 20000 | 600 µs | 2.00 ms | 30.0 | 1.00× | 1.00× |  |"), md);
        assertTrue(md.contains("| zeroserve io_uring | 10000 | 1.00 ms | 3.00 ms | 60.0 | 0.50× | 2.00× |"
                + " 1 of 2 rounds; 3 errors or non-2xx |"), md);
        assertTrue(md.contains("| caddy | error | | | | | | caddy exited \\| status 1 |"), md);
        assertTrue(md.contains("| zeroserve nio | n/a | | | | | | no HTTPS listener |"), md);
        assertTrue(md.contains("- command: `perf/run --scenario static-small-h1 --rounds 2`"), md);
        assertTrue(md.contains("load average 1.00 0.50 0.25 before"), md);
    }

    @Test
    void jsonCarriesEveryRoundAndTheMedians() {
        JsonObject j = Json.createReader(new StringReader(report().json())).readObject();
        assertEquals("2026-11-27T05:00:00Z", j.getString("date"));
        assertEquals("Test CPU \"X\"", j.getJsonObject("machine").getString("cpu_model"));
        JsonObject scenario = j.getJsonArray("scenarios").getJsonObject(0);
        assertEquals("nginx", scenario.getString("baseline"));
        JsonObject nginx = scenario.getJsonArray("servers").getJsonObject(0);
        assertEquals(2, nginx.getJsonArray("rounds").size());
        assertEquals(20_000.0, nginx.getJsonObject("median").getJsonNumber("requests_per_s").doubleValue(), 1e-9);
        JsonObject zs = scenario.getJsonArray("servers").getJsonObject(2);
        assertEquals(0.5, zs.getJsonNumber("rps_ratio_to_baseline").doubleValue(), 1e-9);
        assertEquals(2.0, zs.getJsonNumber("cpu_ratio_to_baseline").doubleValue(), 1e-9);
        JsonObject nio = scenario.getJsonArray("servers").getJsonObject(3);
        assertEquals("n/a", nio.getString("status"));
        assertEquals("no HTTPS listener", nio.getString("reason"));
        assertTrue(nio.getJsonArray("rounds").isEmpty());
        assertTrue(nio.isNull("url"));
    }
}
