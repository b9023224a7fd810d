package io.zeroserve.perf.harness;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The run's results as Markdown tables (one per scenario) and as JSON with every round's raw figures. */
final class Report {
    /** One scenario and its columns. */
    record ScenarioResult(Scenario scenario, List<Cell> cells) {
        /** The nginx (or nginx+lua) column when it was measured: the baseline for the ratios. */
        Cell baseline() {
            for (Cell c : cells) {
                if (c.server.startsWith("nginx") && !c.rounds.isEmpty()) {
                    return c;
                }
            }
            return null;
        }
    }

    private final Instant date;
    private final Machine machine;
    private final Options options;
    private final Harness.Plan plan;
    private final List<ScenarioResult> results;
    private final String loadBefore;
    private final String loadAfter;

    Report(Instant date, Machine machine, Options options, Harness.Plan plan, List<ScenarioResult> results,
           String loadBefore, String loadAfter) {
        this.date = date;
        this.machine = machine;
        this.options = options;
        this.plan = plan;
        this.results = results;
        this.loadBefore = loadBefore;
        this.loadAfter = loadAfter;
    }

    String markdown() {
        StringBuilder b = new StringBuilder();
        b.append("## perf/run results\n\n");
        b.append("- date: ").append(date).append('\n');
        b.append("- machine: ").append(machine.summary()).append("; load average ").append(loadBefore)
                .append(" before, ").append(loadAfter).append(" after\n");
        b.append("- command: `").append(options.commandLine).append("`\n");
        b.append("- method: ").append(plan.rounds).append(" round(s) of ").append(plan.duration)
                .append(" s per server, servers alternating within each round, after a warm-up of ")
                .append(options.warmupSeconds(true)).append(" s (JVM servers; twice that in their first scenario) / ")
                .append(options.warmupSeconds(false))
                .append(" s (nginx, Caddy); medians over rounds; wrk/h2load with ").append(machine.clientThreads())
                .append(" thread(s), ").append(options.connections).append(" connections (h2load: 10 streams each);")
                .append(" server CPU = utime+stime of the server's process tree over the run / requests\n\n");
        for (ScenarioResult r : results) {
            Scenario s = r.scenario();
            Cell base = r.baseline();
            String baseName = base == null ? "nginx" : base.server;
            b.append("### ").append(s.name()).append(": ").append(s.description()).append("\n\n");
            b.append("| server | req/s | p50 | p99 | server CPU µs/req | req/s vs ").append(baseName)
                    .append(" | CPU/req vs ").append(baseName).append(" | notes |\n");
            b.append("|---|---:|---:|---:|---:|---:|---:|---|\n");
            for (Cell c : r.cells()) {
                b.append("| ").append(c.server).append(" | ");
                if (c.rounds.isEmpty()) {
                    b.append(c.status).append(" | | | | | | ").append(cellText(c.reason)).append(" |\n");
                    continue;
                }
                b.append(Math.round(c.medianRps())).append(" | ")
                        .append(latency(c.medianP50())).append(" | ")
                        .append(latency(c.medianP99())).append(" | ")
                        .append(fixed1(c.medianCpu())).append(" | ")
                        .append(base == null ? "" : ratio(c.medianRps() / base.medianRps())).append(" | ")
                        .append(base == null ? "" : ratio(c.medianCpu() / base.medianCpu())).append(" | ")
                        .append(cellText(notes(c))).append(" |\n");
            }
            b.append('\n');
        }
        return b.toString();
    }

    private static String notes(Cell c) {
        List<String> n = new ArrayList<>();
        if (c.rounds.size() < c.plannedRounds) {
            n.add(c.rounds.size() + " of " + c.plannedRounds + " rounds");
        }
        if (c.errors() > 0) {
            n.add(c.errors() + " errors or non-2xx");
        }
        if (!c.status.equals(Cell.OK) && c.reason != null) {
            n.add(c.status + ": " + c.reason);
        }
        return String.join("; ", n);
    }

    String json() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("date", date.toString());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpus", machine.cpus().size());
        m.put("cpu_model", machine.model());
        m.put("kernel", machine.kernel());
        m.put("server_cpus", machine.serverCpus());
        m.put("client_cpus", machine.clientCpus());
        m.put("server_workers", machine.workers());
        m.put("load_average_before", loadBefore);
        m.put("load_average_after", loadAfter);
        root.put("machine", m);
        root.put("command", options.commandLine);
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("rounds", plan.rounds);
        settings.put("duration_s", plan.duration);
        settings.put("warmup_jvm_s", options.warmupSeconds(true));
        settings.put("warmup_native_s", options.warmupSeconds(false));
        settings.put("budget_s", plan.budget);
        settings.put("connections", options.connections);
        settings.put("client_threads", machine.clientThreads());
        settings.put("zeroserve_java_opts", System.getenv("ZEROSERVE_JAVA_OPTS"));
        root.put("settings", settings);
        List<Object> scenarios = new ArrayList<>();
        for (ScenarioResult r : results) {
            Map<String, Object> so = new LinkedHashMap<>();
            so.put("name", r.scenario().name());
            so.put("description", r.scenario().description());
            Cell base = r.baseline();
            so.put("baseline", base == null ? null : base.server);
            List<Object> servers = new ArrayList<>();
            for (Cell c : r.cells()) {
                Map<String, Object> co = new LinkedHashMap<>();
                co.put("server", c.server);
                co.put("status", c.status);
                co.put("reason", c.reason);
                co.put("url", c.base == null ? null : c.base + r.scenario().path());
                List<Object> rounds = new ArrayList<>();
                for (LoadClient.Measurement x : c.rounds) {
                    Map<String, Object> ro = new LinkedHashMap<>();
                    ro.put("requests_per_s", x.requestsPerSecond());
                    ro.put("requests", x.requests());
                    ro.put("p50_us", x.p50Micros());
                    ro.put("p99_us", x.p99Micros());
                    ro.put("server_cpu_us_per_request", x.cpuMicrosPerRequest());
                    ro.put("socket_errors", x.errors());
                    ro.put("non_2xx", x.non2xx());
                    rounds.add(ro);
                }
                co.put("rounds", rounds);
                if (!c.rounds.isEmpty()) {
                    Map<String, Object> med = new LinkedHashMap<>();
                    med.put("requests_per_s", c.medianRps());
                    med.put("p50_us", c.medianP50());
                    med.put("p99_us", c.medianP99());
                    med.put("server_cpu_us_per_request", c.medianCpu());
                    co.put("median", med);
                    if (base != null) {
                        co.put("rps_ratio_to_baseline", c.medianRps() / base.medianRps());
                        co.put("cpu_ratio_to_baseline", c.medianCpu() / base.medianCpu());
                    }
                }
                servers.add(co);
            }
            so.put("servers", servers);
            scenarios.add(so);
        }
        root.put("scenarios", scenarios);
        StringBuilder b = new StringBuilder();
        write(b, root, "");
        return b.append('\n').toString();
    }

    static String latency(double micros) {
        if (Double.isNaN(micros)) {
            return "–"; // not measured (handshakes) or no per-request log
        }
        return micros < 1000 ? Math.round(micros) + " µs" : String.format(Locale.ROOT, "%.2f ms", micros / 1000);
    }

    private static String fixed1(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "?" : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String ratio(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "?" : String.format(Locale.ROOT, "%.2f×", v);
    }

    private static String cellText(String s) {
        return s == null ? "" : s.replace("|", "\\|").replace("\n", " ");
    }

    private static void write(StringBuilder b, Object v, String indent) {
        switch (v) {
            case null -> b.append("null");
            case String s -> quote(b, s);
            case Double d -> b.append(Double.isNaN(d) || Double.isInfinite(d) ? "null"
                    : String.format(Locale.ROOT, "%.3f", d));
            case Number n -> b.append(n);
            case Boolean x -> b.append(x);
            case Map<?, ?> map -> {
                b.append("{");
                String inner = indent + "  ";
                boolean first = true;
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    b.append(first ? "\n" : ",\n").append(inner);
                    quote(b, e.getKey().toString());
                    b.append(": ");
                    write(b, e.getValue(), inner);
                    first = false;
                }
                b.append(first ? "}" : "\n" + indent + "}");
            }
            case List<?> list -> {
                b.append("[");
                String inner = indent + "  ";
                boolean first = true;
                for (Object o : list) {
                    b.append(first ? "\n" : ",\n").append(inner);
                    write(b, o, inner);
                    first = false;
                }
                b.append(first ? "]" : "\n" + indent + "]");
            }
            default -> quote(b, v.toString());
        }
    }

    private static void quote(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '\r' -> b.append("\\r");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }
}
