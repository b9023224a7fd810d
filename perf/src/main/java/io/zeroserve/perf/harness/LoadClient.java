package io.zeroserve.perf.harness;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Drives one load run with wrk or h2load on the client CPU set, measures the server's CPU time around it, and
 * parses the tool's report. Also checks a server's answer with curl before it is measured.
 */
final class LoadClient {
    private static final Pattern WRK_REQUESTS = Pattern.compile("(\\d+) requests in ([\\d.]+)(us|ms|s|m)");
    private static final Pattern WRK_RPS = Pattern.compile("Requests/sec:\\s+([\\d.]+)");
    private static final Pattern WRK_PERCENTILE = Pattern.compile("^\\s+(50|99)(?:\\.0+)?%\\s+([\\d.]+)(us|ms|s)\\s*$",
            Pattern.MULTILINE);
    private static final Pattern WRK_SOCKET_ERRORS = Pattern.compile(
            "Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");
    private static final Pattern WRK_NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");
    private static final Pattern H2_FINISHED = Pattern.compile("finished in ([\\d.]+)s, ([\\d.]+) req/s");
    private static final Pattern H2_REQUESTS = Pattern.compile(
            "requests: (\\d+) total, (\\d+) started, (\\d+) done, (\\d+) succeeded, (\\d+) failed, (\\d+) errored");
    private static final Pattern H2_STATUS = Pattern.compile(
            "status codes: (\\d+) 2xx, (\\d+) 3xx, (\\d+) 4xx, (\\d+) 5xx");

    private static final Pattern S_TIME_CONNECTIONS = Pattern.compile("(\\d+) connections in [\\d.]+s;");
    /** h2load closes a connection that shows no activity for this long (a server that stopped answering). */
    static final int INACTIVITY_TIMEOUT_SECONDS = 5;
    /** How long past its duration a load tool may run before it is stopped and the run counts as an error. */
    static final int TOOL_GRACE_SECONDS = 15;
    /** Parallel {@code openssl s_time} processes per client CPU in the handshake scenario. */
    static final int S_TIME_CLIENTS_PER_CPU = 4;

    private final Path work;
    private final String clientCpus;
    private final int threads;
    private final int connections;
    private int runs;

    LoadClient(Path work, String clientCpus, int threads, int connections) {
        this.work = work;
        this.clientCpus = clientCpus;
        this.threads = threads;
        this.connections = connections;
    }

    /** One measured run's figures. Latencies in microseconds; {@code cpuMicrosPerRequest} is the server's. */
    record Measurement(double requestsPerSecond, long requests, double p50Micros, double p99Micros,
                       double cpuMicrosPerRequest, long errors, long non2xx) {
    }

    /**
     * Checks that {@code base + scenario.path()} answers as the scenario expects. Returns null when it does, else
     * what was wrong.
     */
    String check(Scenario s, URI base) throws IOException {
        Path dir = Files.createDirectories(work.resolve("check"));
        Path body = dir.resolve("body");
        Path headers = dir.resolve("headers");
        Path log = dir.resolve("curl.log");
        Files.deleteIfExists(body);
        Files.deleteIfExists(headers);
        Files.deleteIfExists(log);
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "-k", "--noproxy", "*", "--max-time", "10",
                s.tool() == Scenario.Tool.H2LOAD ? "--http2" : "--http1.1",
                "-o", body.toString(), "-D", headers.toString(), "-w", "%{http_code} %{http_version}\\n"));
        for (String h : s.headers()) {
            cmd.add("-H");
            cmd.add(h);
        }
        cmd.add(base + s.path());
        int rc = Processes.run(cmd, null, log, 30);
        String out = Files.exists(log) ? Files.readString(log).strip() : "";
        if (rc != 0) {
            return "request failed: " + out;
        }
        String[] statusAndVersion = out.split("\\s+");
        if (!statusAndVersion[0].equals("200")) {
            return "status " + statusAndVersion[0] + " for " + s.path();
        }
        if (s.tool() == Scenario.Tool.H2LOAD && !(statusAndVersion.length > 1 && statusAndVersion[1].equals("2"))) {
            return "HTTP/2 not negotiated (got HTTP/" + (statusAndVersion.length > 1 ? statusAndVersion[1] : "?") + ")";
        }
        byte[] b = Files.readAllBytes(body);
        if (s.bodyLength() >= 0 && b.length != s.bodyLength()) {
            return "body is " + b.length + " bytes, expected " + s.bodyLength();
        }
        if (s.header() != null
                && !Files.readString(headers).toLowerCase(java.util.Locale.ROOT).contains("\n" + s.header() + ":")) {
            return "response header " + s.header() + " missing";
        }
        if (s.body() != null && !s.body().matcher(new String(b, java.nio.charset.StandardCharsets.UTF_8)).find()) {
            String shown = new String(b, 0, Math.min(b.length, 160), java.nio.charset.StandardCharsets.UTF_8);
            return "unexpected body: " + shown.replace('\n', ' ');
        }
        return null;
    }

    /**
     * Runs the load for {@code seconds} against {@code base + scenario.path()} and measures {@code server}'s CPU
     * time over the run.
     */
    Measurement run(Scenario s, URI base, int seconds, Instance server) throws IOException {
        if (s.tool() == Scenario.Tool.S_TIME) {
            return runHandshakes(base, seconds, server);
        }
        int n = ++runs;
        Path out = work.resolve("client/run-" + n + ".txt");
        Path latencies = work.resolve("client/run-" + n + ".h2log");
        Files.createDirectories(out.getParent());
        List<String> cmd = new ArrayList<>();
        String url = base + s.path();
        if (s.tool() == Scenario.Tool.WRK) {
            cmd.addAll(List.of("wrk", "-t" + threads, "-c" + Math.max(connections, threads), "-d" + seconds + "s",
                    "--timeout", "10s", "--latency"));
            for (String h : s.headers()) {
                cmd.addAll(List.of("-H", h));
            }
        } else {
            cmd.addAll(List.of("h2load", "-t", Integer.toString(threads), "-c", Integer.toString(Math.max(connections,
                    threads)), "-m", "10", "-D", Integer.toString(seconds),
                    // A stream the server never answers would keep h2load waiting forever after the run.
                    "-N", Integer.toString(INACTIVITY_TIMEOUT_SECONDS), "--log-file=" + latencies));
            for (String h : s.headers()) {
                cmd.addAll(List.of("-H", h));
            }
        }
        cmd.add(url);
        long cpuBefore = server.cpuMicros();
        Process p = Processes.start(cmd, clientCpus, out, Map.of(), work);
        try {
            if (!p.waitFor(seconds + TOOL_GRACE_SECONDS, TimeUnit.SECONDS)) {
                Processes.stop(p);
                throw new IOException(cmd.getFirst() + " did not finish within " + (seconds + TOOL_GRACE_SECONDS)
                        + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            Processes.stop(p);
            throw new IOException("interrupted", e);
        } finally {
            Processes.stop(p);
        }
        long cpuUsed = server.cpuMicros() - cpuBefore;
        String text = Files.readString(out);
        if (p.exitValue() != 0) {
            throw new IOException(cmd.getFirst() + " exited with status " + p.exitValue() + ": " + lastLine(text));
        }
        Measurement m = s.tool() == Scenario.Tool.WRK ? parseWrk(text, cpuUsed) : parseH2load(text, latencies,
                cpuUsed);
        Files.deleteIfExists(latencies);
        return m;
    }

    /**
     * Full TLS handshakes: {@link #S_TIME_CLIENTS_PER_CPU} {@code openssl s_time -new} processes per client thread for
     * {@code seconds}; the rate is their connections over the wall time of the whole run.
     */
    private Measurement runHandshakes(URI base, int seconds, Instance server) throws IOException {
        int n = ++runs;
        int clients = S_TIME_CLIENTS_PER_CPU * threads;
        List<Process> procs = new ArrayList<>();
        List<Path> outs = new ArrayList<>();
        Files.createDirectories(work.resolve("client"));
        long cpuBefore = server.cpuMicros();
        long start = System.nanoTime();
        try {
            for (int i = 0; i < clients; i++) {
                Path out = work.resolve("client/run-" + n + "-s_time-" + i + ".txt");
                outs.add(out);
                procs.add(Processes.start(List.of("openssl", "s_time", "-connect", base.getHost() + ":" + base.getPort(),
                        "-new", "-time", Integer.toString(seconds)), clientCpus, out, Map.of(), work));
            }
            for (Process p : procs) {
                if (!p.waitFor(seconds + TOOL_GRACE_SECONDS, TimeUnit.SECONDS)) {
                    throw new IOException("openssl s_time did not finish within " + (seconds + TOOL_GRACE_SECONDS)
                            + " s");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            for (Process p : procs) {
                Processes.stop(p);
            }
        }
        double wall = (System.nanoTime() - start) / 1e9;
        long cpuUsed = server.cpuMicros() - cpuBefore;
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < procs.size(); i++) {
            String text = Files.readString(outs.get(i));
            if (procs.get(i).exitValue() != 0) {
                throw new IOException("openssl s_time exited with status " + procs.get(i).exitValue() + ": "
                        + lastLine(text));
            }
            texts.add(text);
        }
        return parseSTime(texts, wall, cpuUsed);
    }

    static Measurement parseSTime(List<String> outputs, double wallSeconds, long cpuMicros) throws IOException {
        long connections = 0;
        for (String text : outputs) {
            Matcher m = S_TIME_CONNECTIONS.matcher(text);
            if (!m.find()) {
                throw new IOException("openssl s_time printed no result: " + lastLine(text));
            }
            connections += Long.parseLong(m.group(1));
        }
        return new Measurement(connections / wallSeconds, connections, Double.NaN, Double.NaN,
                perRequest(cpuMicros, connections), 0, 0);
    }

    static Measurement parseWrk(String text, long cpuMicros) throws IOException {
        Matcher req = WRK_REQUESTS.matcher(text);
        Matcher rps = WRK_RPS.matcher(text);
        if (!req.find() || !rps.find()) {
            throw new IOException("wrk printed no result: " + lastLine(text));
        }
        long requests = Long.parseLong(req.group(1));
        double p50 = Double.NaN;
        double p99 = Double.NaN;
        Matcher pm = WRK_PERCENTILE.matcher(text);
        while (pm.find()) {
            double v = Double.parseDouble(pm.group(2)) * switch (pm.group(3)) {
                case "us" -> 1;
                case "ms" -> 1_000;
                default -> 1_000_000;
            };
            if (pm.group(1).equals("50")) {
                p50 = v;
            } else {
                p99 = v;
            }
        }
        long errors = 0;
        Matcher se = WRK_SOCKET_ERRORS.matcher(text);
        if (se.find()) {
            for (int g = 1; g <= 4; g++) {
                errors += Long.parseLong(se.group(g));
            }
        }
        Matcher n2 = WRK_NON_2XX.matcher(text);
        long non2xx = n2.find() ? Long.parseLong(n2.group(1)) : 0;
        return new Measurement(Double.parseDouble(rps.group(1)), requests, p50, p99, perRequest(cpuMicros, requests),
                errors, non2xx);
    }

    static Measurement parseH2load(String text, Path latencyLog, long cpuMicros) throws IOException {
        Matcher fin = H2_FINISHED.matcher(text);
        Matcher req = H2_REQUESTS.matcher(text);
        if (!fin.find() || !req.find()) {
            throw new IOException("h2load printed no result: " + lastLine(text));
        }
        long done = Long.parseLong(req.group(3));
        long errors = Long.parseLong(req.group(5)) + Long.parseLong(req.group(6));
        Matcher st = H2_STATUS.matcher(text);
        long non2xx = 0;
        if (st.find()) {
            non2xx = Long.parseLong(st.group(3)) + Long.parseLong(st.group(4));
        }
        // Percentiles from h2load's per-request log: start µs, status, duration µs (tab-separated).
        long[] durations = new long[16_384];
        int count = 0;
        if (Files.exists(latencyLog)) {
            try (var lines = Files.lines(latencyLog)) {
                for (String line : (Iterable<String>) lines::iterator) {
                    String[] f = line.split("\t");
                    if (f.length < 3 || f[1].equals("-1")) {
                        continue;
                    }
                    if (count == durations.length) {
                        durations = Arrays.copyOf(durations, count * 2);
                    }
                    durations[count++] = Long.parseLong(f[2].strip());
                }
            }
        }
        Arrays.sort(durations, 0, count);
        double p50 = count == 0 ? Double.NaN : durations[(int) Math.min(count - 1, Math.round(0.50 * (count - 1)))];
        double p99 = count == 0 ? Double.NaN : durations[(int) Math.min(count - 1, Math.round(0.99 * (count - 1)))];
        return new Measurement(Double.parseDouble(fin.group(2)), done, p50, p99, perRequest(cpuMicros, done), errors,
                non2xx);
    }

    private static double perRequest(long cpuMicros, long requests) {
        return requests == 0 ? Double.NaN : (double) cpuMicros / requests;
    }

    private static String lastLine(String text) {
        String[] lines = text.strip().split("\n");
        return lines.length == 0 ? "(no output)" : lines[lines.length - 1];
    }
}
