package io.zeroserve.perf.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code perf/run}'s engine: prepares the test site, starts the servers, runs every selected scenario for every
 * server in alternating order, and writes the report. {@code perf/run} (bash) installs the tools and compiles this
 * class first. See {@link Options#USAGE} for the command line.
 */
public final class Harness {
    private static final long STARTED_AT = System.nanoTime();

    private Harness() {
    }

    public static void main(String[] args) {
        int status;
        try {
            status = run(Options.parse(args));
        } catch (UsageException e) {
            System.err.println(e.getMessage().strip());
            status = 2;
        } catch (IOException e) {
            System.err.println("perf/run: " + e.getMessage());
            status = 1;
        } finally {
            Processes.stopAll();
        }
        System.exit(status);
    }

    static void progress(String line) {
        System.err.printf("[perf %5.1fs] %s%n", (System.nanoTime() - STARTED_AT) / 1e9, line);
    }

    static int run(Options o) throws IOException {
        if (o.list) {
            for (Scenario s : Scenario.ALL) {
                System.out.printf("%-20s %s%n", s.name(), s.description());
            }
            return 0;
        }
        List<Scenario> scenarios = new ArrayList<>();
        for (Scenario s : Scenario.ALL) {
            if (o.scenarios.isEmpty() || o.scenarios.contains(s.name())) {
                scenarios.add(s);
            }
        }
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
        Path work = (o.work != null ? o.work : o.repo.resolve("perf/target/perf-work")).toAbsolutePath();
        prepareWorkDirectory(work);
        Path out = o.out != null ? o.out : o.repo.resolve("perf/target/perf-results/" + stamp);
        Files.createDirectories(out);

        Machine machine = Machine.probe(o.pin);
        progress("machine: " + machine.summary());

        int upstreamPort = Servers.freePort();
        TestSite site = TestSite.create(work.resolve("site"), upstreamPort);
        Servers servers = new Servers(o.repo, work, site, machine.serverCpus(), machine.clientCpus(),
                machine.workers(), upstreamPort);
        List<String> transports = List.of();
        if (o.servers.contains("zeroserve")) {
            servers.packZeroserveSites();
            transports = new ArrayList<>(servers.zeroserveTransports(o.transports));
            transports.addAll(o.variants.keySet());
            servers.variants(o.variants);
        }
        LoadClient client = new LoadClient(work, machine.clientCpus(), machine.clientThreads(), o.connections);

        List<Report.ScenarioResult> results = new ArrayList<>();
        for (Scenario s : scenarios) {
            results.add(new Report.ScenarioResult(s, columns(s, o.servers, transports)));
        }
        Plan plan = Plan.make(o, results);
        progress("plan: " + plan.summary());
        Instant date = Instant.now();
        String loadBefore = Machine.loadAverage();
        try {
            for (int i = 0; i < results.size(); i++) {
                runScenario(results.get(i), servers, client, plan, o);
                // An idle server still costs CPU 0 (JIT, GC, timers): stop each one after its last scenario.
                for (String key : instancesLastUsedIn(results, i)) {
                    servers.stop(key);
                }
            }
        } finally {
            servers.stopAll();
        }
        String loadAfter = Machine.loadAverage();
        Report report = new Report(date, machine, o, plan, results, loadBefore, loadAfter);
        String md = report.markdown();
        Files.writeString(out.resolve("results.md"), md);
        Files.writeString(out.resolve("results.json"), report.json());
        System.out.println(md);
        progress("wrote " + out.resolve("results.md") + " and " + out.resolve("results.json"));
        return 0;
    }

    /** The instances (and the upstream) that scenario {@code index} is the last one to use. */
    static List<String> instancesLastUsedIn(List<Report.ScenarioResult> results, int index) {
        List<String> keys = new ArrayList<>();
        for (String key : instanceKeys(results.get(index))) {
            boolean usedLater = false;
            for (int j = index + 1; j < results.size() && !usedLater; j++) {
                usedLater = instanceKeys(results.get(j)).contains(key);
            }
            if (!usedLater) {
                keys.add(key);
            }
        }
        return keys;
    }

    private static Set<String> instanceKeys(Report.ScenarioResult r) {
        Set<String> keys = new LinkedHashSet<>();
        for (Cell c : r.cells()) {
            keys.add(c.instanceKey);
        }
        if (r.scenario().upstream()) {
            keys.add("upstream");
        }
        return keys;
    }

    /** The columns of one scenario, in a fixed order: nginx (or nginx+lua), caddy, helidon, zeroserve columns. */
    static List<Cell> columns(Scenario s, List<String> selected, List<String> transports) {
        List<Cell> cells = new ArrayList<>();
        if (selected.contains("nginx")) {
            String n = s.nginxLua() ? "nginx+lua" : "nginx";
            cells.add(new Cell(n, n, false, false));
        }
        if (selected.contains("caddy")) {
            cells.add(new Cell("caddy", "caddy", false, false));
        }
        if (selected.contains("helidon")) {
            cells.add(new Cell("helidon", "helidon", false, true));
        }
        if (selected.contains("zeroserve")) {
            for (String t : transports) {
                String label = t == null ? "zeroserve" : "zeroserve " + t;
                cells.add(new Cell(label, s.zeroserveSite().equals("static") ? label : label + " " + s.zeroserveSite(),
                        true, true));
            }
        }
        return cells;
    }

    private static void runScenario(Report.ScenarioResult r, Servers servers, LoadClient client, Plan plan,
                                    Options o) {
        Scenario s = r.scenario();
        progress("scenario " + s.name() + ": " + s.description());
        Instance upstream = s.upstream() ? servers.get("upstream") : null;
        // Start and check every server before measuring any of them.
        for (Cell c : r.cells()) {
            c.plannedRounds = plan.rounds;
            if (upstream != null && upstream.failure() != null) {
                c.error("the upstream did not start: " + upstream.failure());
                continue;
            }
            Instance inst = servers.get(c.instanceKey);
            if (inst.failure() != null) {
                c.unavailable(inst.failure());
                continue;
            }
            c.base = s.tls() ? inst.https() : inst.http();
            if (c.base == null) {
                c.unavailable((s.tls() ? "no HTTPS listener" : "no plaintext listener")
                        + (inst.note() == null ? "" : " (" + inst.note() + ")"));
                continue;
            }
            try {
                String wrong = client.check(s, c.base);
                if (wrong != null) {
                    c.unavailable(wrong);
                    progress(c.server + ": " + c.status + ": " + wrong);
                }
            } catch (IOException e) {
                c.unavailable("check failed: " + e.getMessage());
            }
        }
        // Warm-up, in the same alternating order; a JVM's first scenario warms up twice as long (JIT compilation).
        for (Cell c : r.cells()) {
            int w = o.warmupSeconds(c.jvm) * (c.jvm && servers.firstUse(c.instanceKey) ? 2 : 1);
            if (!c.measurable() || w == 0) {
                continue;
            }
            if (!plan.hasTimeFor(w)) {
                c.status = Cell.SKIPPED;
                c.reason = "time budget used up before the warm-up";
                continue;
            }
            try {
                client.run(s, c.base, w, servers.get(c.instanceKey));
            } catch (IOException e) {
                c.error("warm-up: " + e.getMessage());
            }
        }
        for (int round = 1; round <= plan.rounds; round++) {
            for (Cell c : r.cells()) {
                if (!c.measurable()) {
                    continue;
                }
                if (!plan.hasTimeFor(plan.duration)) {
                    progress(s.name() + " round " + round + " " + c.server + ": skipped (time budget)");
                    continue;
                }
                Instance inst = servers.get(c.instanceKey);
                try {
                    LoadClient.Measurement m = client.run(s, c.base, plan.duration, inst);
                    c.rounds.add(m);
                    progress("%s round %d/%d %-22s %9.0f req/s  p50 %s  p99 %s  cpu %.1f us/req%s".formatted(
                            s.name(), round, plan.rounds, c.server, m.requestsPerSecond(),
                            Report.latency(m.p50Micros()), Report.latency(m.p99Micros()), m.cpuMicrosPerRequest(),
                            m.errors() + m.non2xx() > 0 ? "  errors " + (m.errors() + m.non2xx()) : ""));
                } catch (IOException e) {
                    c.error("round " + round + ": " + e.getMessage() + (inst.alive() ? "" : " (server exited: "
                            + inst.tail() + ")"));
                    progress(c.server + ": " + c.reason);
                }
            }
        }
        for (Cell c : r.cells()) {
            if (c.measurable() && c.rounds.isEmpty()) {
                c.status = Cell.SKIPPED;
                c.reason = "time budget used up";
            }
        }
    }

    /**
     * Empties the scratch directory, but only one this harness made (it holds a {@code .perf-work} marker) or an
     * empty one: {@code --work} pointing at the wrong place must not delete anything.
     */
    private static void prepareWorkDirectory(Path work) throws IOException {
        Path marker = work.resolve(".perf-work");
        if (Files.isDirectory(work)) {
            boolean empty;
            try (var list = Files.list(work)) {
                empty = list.findAny().isEmpty();
            }
            if (!empty && !Files.exists(marker)) {
                throw new UsageException("--work " + work + " is not empty and was not made by perf/run"
                        + " (no .perf-work marker); choose an empty or new directory");
            }
            deleteTree(work);
        }
        Files.createDirectories(work);
        Files.writeString(marker, "scratch directory of perf/run; emptied at the start of every run\n");
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** How long each run lasts, derived from the time budget, and the budget's clock. */
    static final class Plan {
        final int rounds;
        final int duration;
        final int budget;
        final boolean durationFromBudget;
        private final long startNanos = System.nanoTime();

        private Plan(int rounds, int duration, int budget, boolean durationFromBudget) {
            this.rounds = rounds;
            this.duration = duration;
            this.budget = budget;
            this.durationFromBudget = durationFromBudget;
        }

        static Plan make(Options o, List<Report.ScenarioResult> results) {
            int rounds = o.rounds();
            int budget = o.budgetSeconds();
            if (o.duration != null) {
                return new Plan(rounds, o.duration, budget, false);
            }
            // Estimated fixed costs: JVM servers take a few seconds to start on a busy machine, the rest about one.
            Set<String> instances = new LinkedHashSet<>();
            double fixed = 0;
            int cells = 0;
            for (Report.ScenarioResult r : results) {
                for (Cell c : r.cells()) {
                    cells++;
                    if (instances.add(c.instanceKey)) {
                        fixed += c.jvm ? 3 + o.warmupSeconds(true) : 1; // start-up, and the longer first warm-up
                    }
                    fixed += 0.3 + o.warmupSeconds(c.jvm) + rounds * 0.3;
                }
            }
            int duration = cells == 0 ? 1 : (int) Math.floor((budget - fixed) / (cells * (double) rounds));
            return new Plan(rounds, Math.max(1, Math.min(o.maxDuration(), duration)), budget, true);
        }

        double elapsed() {
            return (System.nanoTime() - startNanos) / 1e9;
        }

        /** Whether a run of {@code seconds} (plus a margin for tool start-up) still fits in the budget. */
        boolean hasTimeFor(int seconds) {
            return elapsed() + seconds + 1.5 <= budget;
        }

        String summary() {
            return rounds + " round(s) of " + duration + " s" + (durationFromBudget ? " (from the budget)" : "")
                    + ", time budget " + budget + " s";
        }
    }
}
