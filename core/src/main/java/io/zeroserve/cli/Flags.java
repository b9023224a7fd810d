package io.zeroserve.cli;

import io.zeroserve.ZeroServe;
import io.zeroserve.net.ListenAddress;
import io.zeroserve.script.ScriptConfig;
import io.zeroserve.script.ScriptOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line, zeroserve-compatible: {@code zeroserve [flags] SITE}.
 */
record Flags(Path site, List<String> addresses, String index, boolean tryHtml, boolean validateHostnames,
             boolean proxyProtocol, boolean disableRequestLogging, Path reloadSignalFile, Path pack,
             boolean help, boolean version, boolean manual, String transport, long cacheBytes,
             int maxConnections, List<Path> plugins, List<Path> pluginDirs, boolean dumpSdk,
             ScriptLimits scriptLimits, TlsFlags tls) {

    /**
     * The script flags, in zeroserve's units.
     *
     * @param footprintKb   {@code --max-request-external-memory-footprint-kb} (256)
     * @param bodyKb        {@code --max-buffered-body-size-kb} (256)
     * @param preemptMs     {@code --preempt-timer-interval-ms} (2)
     * @param throttleMs    {@code --script-throttle-ms} (20; 0 = never throttle)
     * @param cpuLimitMs    {@code --script-cpu-limit-ms} (0 = no hard limit)
     * @param rateBuckets   {@code --max-rate-limit-buckets} (10000)
     */
    record ScriptLimits(long footprintKb, long bodyKb, long preemptMs, long throttleMs, long cpuLimitMs,
                        long rateBuckets) {
        static final ScriptLimits DEFAULTS = new ScriptLimits(256, 256, 2, 20, 0, 10_000);

        ScriptOptions apply(ScriptOptions base) {
            return base.withMaxFootprintBytes(footprintKb * 1024)
                    .withMaxBufferedBodyBytes((int) Math.min(Integer.MAX_VALUE - 1, bodyKb * 1024))
                    .withMaxRateLimitBuckets((int) Math.min(Integer.MAX_VALUE, rateBuckets))
                    .withTiming(Duration.ofMillis(Math.max(1, preemptMs)), Duration.ofMillis(throttleMs),
                            Duration.ofMillis(cpuLimitMs));
        }
    }

    static final String USAGE = """
            Usage: zeroserve [FLAGS] SITE
                   zeroserve --pack DIR > site.tar

            Serves SITE, a tar file (see --pack), over HTTP/1.1 and HTTP/2 (h2c).
            Reload it without downtime: replace the file, then send SIGHUP (or touch --reload-signal-file).

            Flags:
              --addr ADDR                 listen on ADDR: HOST:PORT, [V6]:PORT or fd:N (an inherited bound socket);
                                          repeatable (default 0.0.0.0:8080)
              --index NAME                directory index file name (default index.html)
              --try-html                  also try PATH.html for extension-less paths
              --validate-hostnames        answer 421 when the Host header is not a valid host name
              --enable-proxy-protocol     expect a PROXY protocol v1 header on every connection
              --disable-request-logging   no per-request log line
              --reload-signal-file FILE   reload when FILE's contents change (checked every second)
              --transport KIND            auto (default), io_uring or nio
              --cache-size-mb N           memory for small files served from RAM (default 64)
              --max-connections N         open connections at most (default 16384)
              --pack DIR                  write DIR as a site tar to stdout, compiling .zeroserve/scripts/**/*.c
                                          with clang-19 (the .c files are left out)
              --ebpf-compiler clang       accepted for compatibility (clang is the only compiler)
              --plugin A,B                plugin tars, .o or .c scripts, run before the site's scripts
              --plugin-dir D,...          plugin directories (packed in memory), run after --plugin
              --dump-sdk                  print the script SDK header (zeroserve.h)
              --max-request-external-memory-footprint-kb N
                                          host memory one script may allocate through helpers (default 256)
              --max-buffered-body-size-kb N
                                          largest request body scripts read (default 256)
              --preempt-timer-interval-ms N
                                          script time slice before yielding the thread (default 2)
              --script-throttle-ms N      continuous script CPU before throttling (default 20; 0 = never)
              --script-cpu-limit-ms N     hard script CPU budget per run, then 500 (default 0 = none)
              --max-rate-limit-buckets N  distinct zs_rate_limit keys kept (default 10000)
            """ + TlsFlags.USAGE + """
              --manual                    print the user manual
              --version                   print the version
              --help                      print this help
            """;

    static Flags parse(String[] args) {
        Path site = null;
        List<String> addresses = new ArrayList<>();
        String index = "index.html";
        boolean tryHtml = false;
        boolean validateHostnames = false;
        boolean proxyProtocol = false;
        boolean disableRequestLogging = false;
        Path reloadSignalFile = null;
        Path pack = null;
        boolean help = false;
        boolean version = false;
        boolean manual = false;
        String transport = "auto";
        long cacheBytes = 64L << 20;
        int maxConnections = 16_384;
        List<Path> plugins = new ArrayList<>();
        List<Path> pluginDirs = new ArrayList<>();
        boolean dumpSdk = false;
        ScriptLimits d = ScriptLimits.DEFAULTS;
        long[] limits = {d.footprintKb(), d.bodyKb(), d.preemptMs(), d.throttleMs(), d.cpuLimitMs(), d.rateBuckets()};
        TlsFlags.Parser tls = new TlsFlags.Parser();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                value = arg.substring(eq + 1);
                arg = arg.substring(0, eq);
            }
            switch (arg) {
                case "--addr" -> {
                    String address = value != null ? value : next(args, ++i, arg);
                    ListenAddress.parse(address); // fail early with a clear message
                    addresses.add(address);
                }
                case "--index" -> index = value != null ? value : next(args, ++i, arg);
                case "--try-html" -> tryHtml = true;
                case "--validate-hostnames" -> validateHostnames = true;
                case "--enable-proxy-protocol" -> proxyProtocol = true;
                case "--disable-request-logging" -> disableRequestLogging = true;
                case "--reload-signal-file" -> reloadSignalFile = Path.of(value != null ? value : next(args, ++i, arg));
                case "--transport" -> {
                    transport = value != null ? value : next(args, ++i, arg);
                    if (!List.of("auto", "io_uring", "nio").contains(transport)) {
                        throw new IllegalArgumentException("--transport takes auto, io_uring or nio, not '"
                                + transport + "'");
                    }
                }
                case "--cache-size-mb" -> cacheBytes = number(value != null ? value : next(args, ++i, arg), arg) << 20;
                case "--max-connections" -> {
                    long n = number(value != null ? value : next(args, ++i, arg), arg);
                    if (n < 1 || n > 1_000_000) {
                        throw new IllegalArgumentException("--max-connections must be 1..1000000");
                    }
                    maxConnections = (int) n;
                }
                case "--pack" -> pack = Path.of(value != null ? value : next(args, ++i, arg));
                case "--plugin" -> list(value != null ? value : next(args, ++i, arg), plugins);
                case "--plugin-dir" -> list(value != null ? value : next(args, ++i, arg), pluginDirs);
                case "--dump-sdk" -> dumpSdk = true;
                case "--ebpf-compiler" -> {
                    String compiler = value != null ? value : next(args, ++i, arg);
                    if (!compiler.equals("clang")) {
                        throw new IllegalArgumentException("--ebpf-compiler: only 'clang' is supported, not '"
                                + compiler + "'");
                    }
                }
                case "--max-request-external-memory-footprint-kb" ->
                        limits[0] = positive(value != null ? value : next(args, ++i, arg), arg);
                case "--max-buffered-body-size-kb" -> limits[1] = number(value != null ? value : next(args, ++i, arg), arg);
                case "--preempt-timer-interval-ms" ->
                        limits[2] = positive(value != null ? value : next(args, ++i, arg), arg);
                case "--script-throttle-ms" -> limits[3] = number(value != null ? value : next(args, ++i, arg), arg);
                case "--script-cpu-limit-ms" -> limits[4] = number(value != null ? value : next(args, ++i, arg), arg);
                case "--max-rate-limit-buckets" -> limits[5] = number(value != null ? value : next(args, ++i, arg), arg);
                case "--help", "-h" -> help = true;
                case "--version", "-V" -> version = true;
                case "--manual" -> manual = true;
                default -> {
                    int at = i;
                    String flag = arg;
                    String inline = value;
                    int[] consumed = {0};
                    if (tls.accept(arg, () -> {
                        if (inline != null) {
                            return inline;
                        }
                        consumed[0] = 1;
                        return next(args, at + 1, flag);
                    })) {
                        i += consumed[0];
                        continue;
                    }
                    if (arg.startsWith("-") && !arg.equals("-")) {
                        throw new IllegalArgumentException("unknown flag '" + arg + "'");
                    }
                    if (site != null) {
                        throw new IllegalArgumentException("more than one site given: '" + site + "' and '" + arg
                                + "'");
                    }
                    site = Path.of(arg);
                }
            }
        }
        if (index.isEmpty() || index.contains("/")) {
            throw new IllegalArgumentException("--index takes a plain file name, not '" + index + "'");
        }
        return new Flags(site, addresses, index, tryHtml, validateHostnames, proxyProtocol, disableRequestLogging,
                reloadSignalFile, pack, help, version, manual, transport, cacheBytes, maxConnections, plugins,
                pluginDirs, dumpSdk, new ScriptLimits(limits[0], limits[1], limits[2], limits[3], limits[4],
                        limits[5]), tls.build());
    }

    private static void list(String csv, List<Path> into) {
        for (String item : csv.split(",")) {
            if (!item.isBlank()) {
                into.add(Path.of(item.trim()));
            }
        }
    }

    private static long positive(String text, String flag) {
        long n = number(text, flag);
        if (n == 0) {
            throw new IllegalArgumentException(flag + " must be at least 1");
        }
        return n;
    }

    private static String next(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }

    private static long number(String text, String flag) {
        try {
            long n = Long.parseLong(text);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " takes a non-negative number, not '" + text + "'");
        }
    }

    /** The server these flags describe. */
    ZeroServe.Builder toBuilder() {
        ZeroServe.Builder builder = ZeroServe.builder()
                .site(site)
                .index(index)
                .tryHtml(tryHtml)
                .validateHostnames(validateHostnames)
                .proxyProtocol(proxyProtocol)
                .requestLogging(!disableRequestLogging)
                .transport(transport)
                .cache(256 * 1024, cacheBytes)
                .maxConnections(maxConnections);
        addresses.forEach(builder::address);
        tls.apply(builder);
        builder.scripts(new ScriptConfig(plugins, pluginDirs, scriptLimits.apply(ScriptOptions.defaults())));
        if (reloadSignalFile != null) {
            builder.reloadSignalFile(reloadSignalFile);
        }
        return builder;
    }
}
