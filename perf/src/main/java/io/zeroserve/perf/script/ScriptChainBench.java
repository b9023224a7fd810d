package io.zeroserve.perf.script;

import io.zeroserve.script.ScriptChain;
import io.zeroserve.script.ScriptCompiler;
import io.zeroserve.script.ScriptHost;
import io.zeroserve.script.ScriptOptions;
import io.zeroserve.script.ScriptRequest;
import io.zeroserve.script.ScriptResult;
import io.zeroserve.script.ScriptSource;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Per-request cost of the script chain, in process (no HTTP): a chain of 5 empty scripts, one JSON-building
 * script ({@code script-json}'s work) and one header-reading middleware ({@code script-middleware}'s work).
 * Single thread; prints wall and CPU ns and bytes allocated per request. Usage: {@code ScriptChainBench [seconds-per-case, default 3] [label-substring]}.
 */
public final class ScriptChainBench {
    private static final String EMPTY = "#include \"zeroserve.h\"\nZS_ENTRY zs_u64 e(void) { return 0; }\n";
    private static final String JSON = """
            #include "zeroserve.h"
            ZS_ENTRY zs_u64 e(void) {
              char path[64];
              zs_s64 n = zs_req_path(path, sizeof path);
              zs_s64 o = zs_json_new_object();
              zs_s64 v = zs_json_new_object();
              zs_json_set_string(v, path, (zs_u64)n);
              zs_json_set(o, ZS_STR("path"), v);
              zs_json_set_i64(v, (zs_s64)zs_now_ms());
              zs_json_set(o, ZS_STR("time"), v);
              zs_json_respond(200, o);
              return 0;
            }
            """;
    private static final String MIDDLEWARE = """
            #include "zeroserve.h"
            ZS_ENTRY zs_u64 e(void) {
              char auth[128];
              zs_s64 n = zs_req_header(ZS_STR("authorization"), auth, sizeof auth);
              if (n <= 0) { zs_respond(401, ZS_STR("no\\n")); return 0; }
              zs_meta_set(ZS_STR("zs.response.header.x-user"), auth, (zs_u64)n);
              zs_req_set_header(ZS_STR("x-authenticated"), ZS_STR("1"));
              return 0;
            }
            """;

    /** Runs only the cases whose label contains this (second argument), or all when null. */
    private static String only;

    private ScriptChainBench() {
    }

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        only = args.length > 1 ? args[1] : null;
        ScriptHost host = ScriptHost.create(ScriptOptions.defaults().withLog(line -> { }));
        List<ScriptSource> five = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            five.add(source("empty" + i, EMPTY));
        }
        ScriptRequest request = new BenchRequest("/api/items/42", null, List.of(Map.entry("Host", "bench"),
                Map.entry("Authorization", "Bearer abc"), Map.entry("Accept", "*/*")));
        run("no scripts", host.load(List.of(), null), request, seconds);
        run("5 empty scripts", host.load(five, null), request, seconds);
        run("script-json", host.load(List.of(source("json", JSON)), null), request, seconds);
        run("script-middleware", host.load(List.of(source("mw", MIDDLEWARE)), null), request, seconds);
        // perf/run's scenarios, with wrk's request headers.
        ScriptChain perf = host.load(List.of(source("perf", io.zeroserve.perf.harness.PerfScript.SOURCE)), null);
        run("perf/run script-json", perf, new BenchRequest("/api/json", "name=perf&id=42", wrkHeaders(
                Map.entry("X-Request-Id", "abc123"))), seconds);
        run("perf/run script-mw", perf, new BenchRequest("/mw/small.html", null, wrkHeaders(
                Map.entry("X-Api-Key", "k-123"))), seconds);
    }

    /** What wrk sends: Host, then the scenario's header. */
    private static List<Map.Entry<String, String>> wrkHeaders(Map.Entry<String, String> extra) {
        return List.of(Map.entry("Host", "127.0.0.1:8443"), extra);
    }

    private static ScriptSource source(String name, String code) throws Exception {
        return new ScriptSource(name + ".o", name + ".c",
                ScriptCompiler.compile(name + ".c", code.getBytes(StandardCharsets.UTF_8)));
    }

    private static void run(String label, ScriptChain chain, ScriptRequest request, double seconds) {
        if (only != null && !label.contains(only)) {
            return;
        }
        long sink = 0;
        // Warm-up: let C2 compile the translated scripts and the helpers.
        long warmEnd = System.nanoTime() + (long) (seconds * 0.3e9);
        while (System.nanoTime() < warmEnd) {
            sink += chain.run(request).action().ordinal();
        }
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
        long cpuBefore = threads.getCurrentThreadCpuTime();
        long n = 0;
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long now;
        do {
            for (int i = 0; i < 1000; i++) {
                ScriptResult r = chain.run(request);
                sink += r.action().ordinal();
            }
            n += 1000;
            now = System.nanoTime();
        } while (now < end);
        long cpu = threads.getCurrentThreadCpuTime() - cpuBefore;
        long allocated = threads.getCurrentThreadAllocatedBytes() - allocatedBefore;
        // CPU time is the figure to quote on a shared machine: wall time also counts time spent preempted.
        System.out.printf("%-24s %8.0f ns/request %8.0f CPU ns/request %6.0f B/request (%d requests)%s%n", label,
                (now - start) / (double) n, cpu / (double) n, allocated / (double) n, n, sink == 42 ? " " : "");
    }

    private static final class BenchRequest implements ScriptRequest {
        private final InetSocketAddress peer = new InetSocketAddress("127.0.0.1", 50000);
        private final String path;
        private final String query;
        private final List<Map.Entry<String, String>> headers;

        BenchRequest(String path, String query, List<Map.Entry<String, String>> headers) {
            this.path = path;
            this.query = query;
            this.headers = headers;
        }

        @Override
        public String requestId() {
            return "01BENCH000000000000000000";
        }

        @Override
        public String method() {
            return "GET";
        }

        @Override
        public String rawPath() {
            return path;
        }

        @Override
        public String query() {
            return query;
        }

        @Override
        public String scheme() {
            return "http";
        }

        @Override
        public int protoMajor() {
            return 1;
        }

        @Override
        public int protoMinor() {
            return 1;
        }

        @Override
        public InetSocketAddress peer() {
            return peer;
        }

        @Override
        public List<Map.Entry<String, String>> headers() {
            return headers;
        }

        @Override
        public byte[] body(int maxBytes) {
            return new byte[0];
        }
    }
}
