package io.zeroserve.perf.harness;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command line of {@code perf/run}, parsed; every option's default is stated in {@link #USAGE}. */
final class Options {
    static final String USAGE = """
            usage: perf/run [--quick] [--scenario NAME...] [--rounds N] [options]

            Benchmarks zeroserve side by side with nginx, nginx+Lua, Caddy and stock Helidon SE on loopback, in
            alternating order (A B C A B C ...) after a warm-up, and prints a Markdown table per scenario (median
            req/s, p50/p99 latency, server CPU us per request, ratio to nginx) plus the raw figures as JSON.

              --quick               2 rounds of 1-2 s, a time budget of 3.5 minutes (typically done in 2.5)
              --scenario NAME...    scenarios to run (repeatable, or comma-separated); default: all
              --rounds N            measured rounds per server and scenario (default 3, quick 2)
              --servers LIST        comma-separated: nginx,caddy,helidon,zeroserve (default: all; nginx includes
                                    nginx+lua for the script scenarios)
              --transports LIST     zeroserve transports, each its own column (default: io_uring,nio when the
                                    zeroserve CLI has --transport, else its default transport)
              --variant NAME=OPTS   one more zeroserve column, "zeroserve NAME": io_uring started with the extra
                                    JVM options OPTS (ZEROSERVE_JAVA_OPTS), for A/B runs; repeatable
              --duration S          seconds per measured run (default: derived from the budget, at most 5)
              --warmup S            warm-up seconds per JVM server and scenario (default 2, quick 1; twice
                                    that in a JVM's first scenario); nginx and Caddy need no JIT warm-up and
                                    get 1 s (none with --quick)
              --budget S            time budget in seconds for starting servers and measuring (default 600,
                                    quick 210); runs that would overrun it are skipped and reported as such
              --connections N       client connections (default 32)
              --no-pin              do not pin server and client to separate CPUs
              --out DIR             where results.md and results.json go (default perf/target/perf-results/STAMP)
              --work DIR            scratch directory for the site, configs and logs, emptied first
                                    (default perf/target/perf-work)
              --list                print the scenarios and exit
            perf/run itself also takes --no-install (do not apt-get missing tools).
            """;

    Path repo;
    boolean quick;
    List<String> scenarios = new ArrayList<>();
    Integer rounds;
    List<String> servers = new ArrayList<>(List.of("nginx", "caddy", "helidon", "zeroserve"));
    List<String> transports;
    /** --variant columns: name -> extra JVM options, in the order given. */
    java.util.Map<String, String> variants = new java.util.LinkedHashMap<>();
    Integer duration;
    Integer warmup;
    Integer budget;
    int connections = 32;
    boolean pin = true;
    Path out;
    Path work;
    boolean list;
    String commandLine;

    static Options parse(String[] args) {
        Options o = new Options();
        StringBuilder shown = new StringBuilder("perf/run");
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--repo")) {
                o.repo = Path.of(value(args, ++i, a));
                continue;
            }
            shown.append(' ').append(a);
            switch (a) {
                case "--quick" -> o.quick = true;
                case "--scenario", "--scenarios" -> {
                    int before = o.scenarios.size();
                    while (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                        String v = args[++i];
                        shown.append(' ').append(v);
                        for (String n : v.split(",")) {
                            if (!n.isBlank()) {
                                o.scenarios.add(Scenario.named(n.strip()).name());
                            }
                        }
                    }
                    if (o.scenarios.size() == before) {
                        throw new UsageException(a + " needs at least one scenario name");
                    }
                }
                case "--rounds" -> o.rounds = positive(args, ++i, a, shown);
                case "--servers" -> {
                    o.servers = new ArrayList<>();
                    String v = value(args, ++i, a);
                    shown.append(' ').append(v);
                    for (String n : v.split(",")) {
                        String s = n.strip();
                        if (!List.of("nginx", "caddy", "helidon", "zeroserve").contains(s)) {
                            throw new UsageException("unknown server '" + s + "' (known: nginx, caddy, helidon,"
                                    + " zeroserve)");
                        }
                        o.servers.add(s);
                    }
                }
                case "--transports" -> {
                    String v = value(args, ++i, a);
                    shown.append(' ').append(v);
                    o.transports = List.of(v.split(","));
                }
                case "--variant" -> {
                    String v = value(args, ++i, a);
                    shown.append(" '").append(v).append('\'');
                    int eq = v.indexOf('=');
                    String name = eq < 0 ? "" : v.substring(0, eq);
                    if (!name.matches("[A-Za-z][A-Za-z0-9_.+-]*") || List.of("io_uring", "nio").contains(name)) {
                        throw new UsageException(a + " needs NAME=JAVA_OPTS with a NAME of a letter, then letters,"
                                + " digits and _.+- (not io_uring or nio), got '" + v + "'");
                    }
                    o.variants.put(name, v.substring(eq + 1));
                }
                case "--duration" -> o.duration = positive(args, ++i, a, shown);
                case "--warmup" -> {
                    String v = value(args, ++i, a);
                    shown.append(' ').append(v);
                    try {
                        o.warmup = Integer.parseInt(v);
                    } catch (NumberFormatException e) {
                        throw new UsageException(a + " needs a whole number of seconds, got '" + v + "'");
                    }
                    if (o.warmup < 0) {
                        throw new UsageException(a + " must not be negative");
                    }
                }
                case "--budget" -> o.budget = positive(args, ++i, a, shown);
                case "--connections" -> o.connections = positive(args, ++i, a, shown);
                case "--no-pin" -> o.pin = false;
                case "--out" -> {
                    String v = value(args, ++i, a);
                    shown.append(' ').append(v);
                    o.out = Path.of(v);
                }
                case "--work" -> {
                    String v = value(args, ++i, a);
                    shown.append(' ').append(v);
                    o.work = Path.of(v);
                }
                case "--list" -> o.list = true;
                case "--help", "-h" -> throw new UsageException(USAGE);
                default -> throw new UsageException("unknown option '" + a + "'\n\n" + USAGE);
            }
        }
        if (o.repo == null) {
            throw new UsageException("--repo DIR is required (perf/run passes it)");
        }
        o.commandLine = shown.toString();
        return o;
    }

    int rounds() {
        return rounds != null ? rounds : quick ? 2 : 3;
    }

    int budgetSeconds() {
        return budget != null ? budget : quick ? 210 : 600;
    }

    /** Warm-up seconds for a server: JVM servers need JIT warm-up, nginx and Caddy only their connections. */
    int warmupSeconds(boolean jvm) {
        int w = warmup != null ? warmup : quick ? 1 : 2;
        return jvm ? w : quick ? 0 : Math.min(w, 1);
    }

    int maxDuration() {
        return quick ? 2 : 5;
    }

    private static String value(String[] args, int i, String name) {
        if (i >= args.length) {
            throw new UsageException(name + " needs a value");
        }
        return args[i];
    }

    private static int positive(String[] args, int i, String name, StringBuilder shown) {
        String v = value(args, i, name);
        shown.append(' ').append(v);
        try {
            int n = Integer.parseInt(v);
            if (n < 1) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException(name + " needs a positive whole number, got '" + v + "'");
        }
    }
}
