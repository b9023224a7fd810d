package io.zeroserve.perf.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parsing of wrk and h2load reports, from their real output format. */
class LoadClientParseTest {
    private static final String WRK = """
            Running 1s test @ https://127.0.0.1:45089/small.html
              1 threads and 32 connections
              Thread Stats   Avg      Stdev     Max   +/- Stdev
                Latency   256.33us  278.15us  10.01ms   98.04%
                Req/Sec   131.58k     8.97k  142.01k    70.00%
              Latency Distribution
                 50%  227.00us
                 75%  247.00us
                 90%  280.00us
                 99%    1.08ms
              130264 requests in 1.00s, 51.06MB read
              Socket errors: connect 0, read 3, write 1, timeout 2
              Non-2xx or 3xx responses: 7
            Requests/sec: 130173.40
            Transfer/sec:     51.02MB
            """;

    private static final String H2LOAD = """
            starting benchmark...
            Application protocol: h2
            finished in 1.00s, 152038.00 req/s, 43.35MB/s
            requests: 152038 total, 152358 started, 152038 done, 152030 succeeded, 5 failed, 3 errored, 0 timeout
            status codes: 152030 2xx, 0 3xx, 4 4xx, 4 5xx
            traffic: 43.35MB (45460930) total, 15.51MB (16268066) headers (space savings 39.20%), 25.23MB data
            """;

    @Test
    void wrkReportGivesRateRequestsPercentilesErrorsAndCpuPerRequest() throws IOException {
        LoadClient.Measurement m = LoadClient.parseWrk(WRK, 1_302_640);
        assertEquals(130173.40, m.requestsPerSecond(), 1e-6);
        assertEquals(130264, m.requests());
        assertEquals(227.0, m.p50Micros(), 1e-9);
        assertEquals(1080.0, m.p99Micros(), 1e-9);
        assertEquals(6, m.errors());
        assertEquals(7, m.non2xx());
        assertEquals(10.0, m.cpuMicrosPerRequest(), 1e-9);
    }

    @Test
    void wrkLatencyInSecondsIsConverted() throws IOException {
        String slow = WRK.replace("99%    1.08ms", "99%    1.50s").replace("50%  227.00us", "50%  2.00ms");
        LoadClient.Measurement m = LoadClient.parseWrk(slow, 0);
        assertEquals(2000.0, m.p50Micros(), 1e-9);
        assertEquals(1_500_000.0, m.p99Micros(), 1e-9);
    }

    @Test
    void wrkWithoutResultIsAnError() {
        IOException e = assertThrows(IOException.class,
                () -> LoadClient.parseWrk("unable to connect to 127.0.0.1:1 Connection refused\n", 0));
        assertTrue(e.getMessage().contains("Connection refused"), e.getMessage());
    }

    @Test
    void h2loadPercentilesComeFromThePerRequestLog(@TempDir Path tmp) throws IOException {
        Path log = tmp.resolve("h2.log");
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= 100; i++) {
            b.append(1_700_000_000_000_000L + i).append('\t').append(200).append('\t').append(i * 10).append('\n');
        }
        b.append("1700000000000999\t-1\t999999\n"); // a failed stream: not a latency
        Files.writeString(log, b);
        LoadClient.Measurement m = LoadClient.parseH2load(H2LOAD, log, 1_520_380);
        assertEquals(152038.00, m.requestsPerSecond(), 1e-6);
        assertEquals(152038, m.requests());
        assertEquals(8, m.errors());
        assertEquals(8, m.non2xx());
        assertEquals(10.0, m.cpuMicrosPerRequest(), 1e-9);
        // 100 samples 10..1000 µs: index round(0.5*99)=50 -> 510, round(0.99*99)=98 -> 990.
        assertEquals(510.0, m.p50Micros(), 1e-9);
        assertEquals(990.0, m.p99Micros(), 1e-9);
    }

    @Test
    void sTimeConnectionsOfAllClientsOverWallTimeGiveTheHandshakeRate() throws IOException {
        String a = "Collecting connection statistics for 2 seconds\n*****\n\n"
                + "294 connections in 0.14s; 2100.00 connections/user sec, bytes read 0\n"
                + "294 connections in 3 real seconds, 0 bytes read per connection\n";
        String b = a.replace("294 connections", "106 connections");
        LoadClient.Measurement m = LoadClient.parseSTime(java.util.List.of(a, b), 2.0, 40_000);
        assertEquals(200.0, m.requestsPerSecond(), 1e-9);
        assertEquals(400, m.requests());
        assertEquals(100.0, m.cpuMicrosPerRequest(), 1e-9);
        assertTrue(Double.isNaN(m.p50Micros()));
        assertThrows(IOException.class, () -> LoadClient.parseSTime(java.util.List.of("connect: refused\n"), 1, 0));
    }

    @Test
    void h2loadWithoutLogHasUnknownPercentiles(@TempDir Path tmp) throws IOException {
        LoadClient.Measurement m = LoadClient.parseH2load(H2LOAD, tmp.resolve("missing"), 0);
        assertTrue(Double.isNaN(m.p50Micros()));
        assertTrue(Double.isNaN(m.p99Micros()));
    }
}
