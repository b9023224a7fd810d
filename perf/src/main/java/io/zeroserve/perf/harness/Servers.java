package io.zeroserve.perf.harness;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Starts the servers under test with equivalent settings, each once per run and only when a selected scenario needs
 * it: nginx (static files and native proxying), nginx+Lua (the script scenarios), Caddy, the stock Helidon SE app,
 * zeroserve (one instance per transport for the static site, one for the script site) and the proxy upstream.
 *
 * <p>Equivalent settings: every server runs on the server CPU set with as many workers as that set has CPUs (nginx
 * {@code worker_processes}, Caddy {@code GOMAXPROCS}; the JVMs size their pools from the same affinity mask), TLS 1.3
 * only with the same P-256 certificate, ALPN h2 and http/1.1, TCP_NODELAY, access logs off, keep-alive pooling to
 * the upstream. The upstream runs on the client CPU set so that its work is not counted as the server's.
 */
final class Servers {
    private final Path repo;
    private final Path work;
    private final TestSite site;
    private final String serverCpus;
    private final String clientCpus;
    private final int workers;
    private final int upstreamPort;
    private final Map<String, Instance> started = new LinkedHashMap<>();
    private final java.util.Set<String> warmedUp = new java.util.HashSet<>();
    /** Packed zeroserve sites by name (static, scripts, proxy), and why packing failed when it did. */
    private final Map<String, Path> tars = new LinkedHashMap<>();
    private final Map<String, String> packFailures = new LinkedHashMap<>();
    /** The --variant columns: name -> extra JVM options of an io_uring zeroserve. */
    private Map<String, String> variants = Map.of();

    Servers(Path repo, Path work, TestSite site, String serverCpus, String clientCpus, int workers, int upstreamPort) {
        this.repo = repo;
        this.work = work;
        this.site = site;
        this.serverCpus = serverCpus;
        this.clientCpus = clientCpus;
        this.workers = workers;
        this.upstreamPort = upstreamPort;
    }

    /** A free TCP port on 127.0.0.1 (for the servers whose port the harness chooses). */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** The instance called {@code key}, started on first use; a failed start yields an instance with a failure. */
    Instance get(String key) {
        return started.computeIfAbsent(key, k -> {
            Path log = work.resolve("logs/" + k.replace(' ', '-') + ".log");
            try {
                Files.createDirectories(log.getParent());
                Instance i = new Instance(k, log);
                Harness.progress("starting " + k);
                switch (k) {
                    case "nginx" -> startNginx(i, false);
                    case "nginx+lua" -> startNginx(i, true);
                    case "caddy" -> startCaddy(i);
                    case "helidon" -> startHelidon(i);
                    case "upstream" -> startUpstream(i);
                    default -> {
                        if (!k.startsWith("zeroserve")) {
                            throw new IllegalArgumentException("no server called " + k);
                        }
                        startZeroserve(i, k);
                    }
                }
                return i;
            } catch (IOException e) {
                Harness.progress(k + " did not start: " + e.getMessage());
                return Instance.failed(k, log, e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Instance.failed(k, log, "interrupted");
            }
        });
    }

    /**
     * True the first time it is asked about a running server, false afterwards: its first scenario warms it up
     * longer.
     */
    boolean firstUse(String key) {
        return warmedUp.add(key);
    }

    /** Stops the server called {@code key} if it was started; a later {@link #get} would start it again. */
    void stop(String key) {
        Instance i = started.get(key);
        if (i != null && i.alive()) {
            Harness.progress("stopping " + key);
            i.stop();
        }
    }

    /** Stops every server this object started. */
    void stopAll() {
        for (Instance i : new ArrayList<>(started.values()).reversed()) {
            i.stop();
        }
    }

    // ---- nginx and nginx+Lua ---------------------------------------------------------------------------------

    private void startNginx(Instance i, boolean lua) throws IOException, InterruptedException {
        Path prefix = Files.createDirectories(work.resolve(lua ? "nginx-lua" : "nginx"));
        Files.createDirectories(prefix.resolve("logs"));
        Files.createDirectories(prefix.resolve("tmp"));
        int httpsPort = freePort();
        Integer httpPort = lua ? null : freePort();
        Path conf = prefix.resolve("nginx.conf");
        Files.writeString(conf, nginxConf(prefix, httpsPort, httpPort, lua));
        i.attach(Processes.start(List.of("nginx", "-p", prefix.toString(), "-c", conf.toString()),
                serverCpus, i.log, Map.of(), prefix));
        i.awaitPorts(15_000, httpsPort, httpPort);
    }

    private String nginxConf(Path prefix, int httpsPort, Integer httpPort, boolean lua) {
        StringBuilder c = new StringBuilder();
        if (lua) {
            c.append("load_module /usr/lib/nginx/modules/ndk_http_module.so;\n");
            c.append("load_module /usr/lib/nginx/modules/ngx_http_lua_module.so;\n");
        }
        c.append(commonNginx(prefix, workers));
        c.append("""
                http {
                    include /etc/nginx/mime.types;
                    default_type application/octet-stream;
                %s
                    open_file_cache max=1000 inactive=60s;
                    open_file_cache_valid 60s;
                    upstream perf_upstream {
                        server 127.0.0.1:%d;
                        keepalive 32;
                    }
                    server {
                        listen 127.0.0.1:%d ssl http2;
                        ssl_certificate %s;
                        ssl_certificate_key %s;
                        ssl_protocols TLSv1.3;
                        ssl_session_cache shared:SSL:10m;
                        root %s;
                        location /proxy/ {
                            proxy_pass http://perf_upstream;
                            proxy_http_version 1.1;
                            proxy_set_header Connection "";
                        }
                """.formatted(httpCommon(prefix), upstreamPort, httpsPort, site.cert, site.key, site.www));
        if (lua) {
            c.append("""
                            location = /api/json {
                                default_type application/json;
                                content_by_lua_block {
                                    local function esc(s)
                                        if s == nil then return "" end
                                        if type(s) == "table" then s = s[#s] end
                                        return (tostring(s):gsub('[%c"\\\\]', function(ch)
                                            if ch == '"' then return '\\\\"' end
                                            if ch == '\\\\' then return '\\\\\\\\' end
                                            return string.format("\\\\u%04x", string.byte(ch))
                                        end))
                                    end
                                    local args = ngx.req.get_uri_args()
                                    local h = ngx.req.get_headers()
                                    ngx.print('{"method":"', esc(ngx.req.get_method()), '","path":"', esc(ngx.var.uri),
                                              '","name":"', esc(args.name), '","id":"', esc(args.id),
                                              '","user_agent":"', esc(h["user-agent"]),
                                              '","request_id":"', esc(h["x-request-id"]), '"}')
                                }
                            }
                            location /mw/ {
                                rewrite_by_lua_block {
                                    ngx.req.set_header("x-perf-user", ngx.var.http_x_api_key or "anonymous")
                                }
                                header_filter_by_lua_block {
                                    ngx.header["x-perf-mw"] = "1"
                                }
                            }
                    """);
        }
        c.append("        }\n");
        if (httpPort != null) {
            c.append("""
                        server {
                            listen 127.0.0.1:%d;
                            root %s;
                        }
                    """.formatted(httpPort, site.www));
        }
        c.append("}\n");
        return c.toString();
    }

    private static String commonNginx(Path prefix, int workerCount) {
        return """
                daemon off;
                master_process on;
                worker_processes %d;
                pid %s/nginx.pid;
                error_log %s/logs/error.log warn;
                %s
                events {
                    worker_connections 4096;
                }
                """.formatted(workerCount, prefix, prefix,
                // As root, workers would drop to 'nobody', which may not traverse the work directory.
                "root".equals(System.getProperty("user.name")) ? "user root;" : "");
    }

    private static String httpCommon(Path prefix) {
        return """
                    access_log off;
                    sendfile on;
                    tcp_nopush on;
                    tcp_nodelay on;
                    keepalive_timeout 65;
                    keepalive_requests 1000000;
                    client_body_temp_path %1$s/tmp/body;
                    proxy_temp_path %1$s/tmp/proxy;
                    fastcgi_temp_path %1$s/tmp/fastcgi;
                    uwsgi_temp_path %1$s/tmp/uwsgi;
                    scgi_temp_path %1$s/tmp/scgi;
                """.formatted(prefix);
    }

    private void startUpstream(Instance i) throws IOException, InterruptedException {
        Path prefix = Files.createDirectories(work.resolve("upstream"));
        Files.createDirectories(prefix.resolve("logs"));
        Files.createDirectories(prefix.resolve("tmp"));
        Path conf = prefix.resolve("nginx.conf");
        Files.writeString(conf, commonNginx(prefix, 1) + """
                http {
                %s
                    server {
                        listen 127.0.0.1:%d;
                        location / {
                            default_type text/html;
                            return 200 "%s";
                        }
                    }
                }
                """.formatted(httpCommon(prefix), upstreamPort, TestSite.SMALL_HTML.replace("\n", "\\n")));
        i.attach(Processes.start(List.of("nginx", "-p", prefix.toString(), "-c", conf.toString()),
                clientCpus, i.log, Map.of(), prefix));
        i.awaitPorts(15_000, null, upstreamPort);
    }

    // ---- Caddy ------------------------------------------------------------------------------------------------

    private void startCaddy(Instance i) throws IOException, InterruptedException {
        Path dir = Files.createDirectories(work.resolve("caddy"));
        int httpsPort = freePort();
        int httpPort = freePort();
        Path conf = dir.resolve("Caddyfile");
        Files.writeString(conf, """
                {
                    admin off
                    auto_https disable_redirects
                    servers {
                        protocols h1 h2
                    }
                    log {
                        output discard
                    }
                }
                https://127.0.0.1:%1$d {
                    bind 127.0.0.1
                    tls %3$s %4$s {
                        protocols tls1.3
                    }
                    root * %5$s
                    handle /proxy/* {
                        reverse_proxy 127.0.0.1:%6$d
                    }
                    handle /api/json {
                        header Content-Type application/json
                        respond `\\{"method":"{method}","path":"{path}","name":"{query.name}","id":"{query.id}","user_agent":"{header.User-Agent}","request_id":"{header.X-Request-Id}"\\}` 200
                    }
                    handle /mw/* {
                        request_header X-Perf-User {header.X-Api-Key}
                        header X-Perf-Mw 1
                        file_server
                    }
                    handle {
                        file_server
                    }
                }
                http://127.0.0.1:%2$d {
                    bind 127.0.0.1
                    root * %5$s
                    file_server
                }
                """.formatted(httpsPort, httpPort, site.cert, site.key, site.www, upstreamPort));
        Map<String, String> env = Map.of(
                "GOMAXPROCS", Integer.toString(workers),
                "HOME", dir.toString(),
                "XDG_CONFIG_HOME", dir.resolve("config").toString(),
                "XDG_DATA_HOME", dir.resolve("data").toString());
        i.attach(Processes.start(List.of("caddy", "run", "--config", conf.toString(), "--adapter", "caddyfile"),
                serverCpus, i.log, env, dir));
        i.awaitPorts(20_000, httpsPort, httpPort);
    }

    // ---- Helidon ----------------------------------------------------------------------------------------------

    private void startHelidon(Instance i) throws IOException, InterruptedException {
        Path classes = repo.resolve("perf/target/classes");
        Path lib = repo.resolve("perf/target/lib");
        if (!Files.isRegularFile(classes.resolve("io/zeroserve/perf/helidon/HelidonPeer.class"))
                || !Files.isDirectory(lib)) {
            throw new IOException("the Helidon app is not built (" + classes + ", " + lib
                    + "); perf/run builds it, or run: mvn -B -DskipTests -pl perf -am package");
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        // The same JVM flags as the zeroserve launcher, so that the two JVMs differ only in the server code.
        i.attach(Processes.start(List.of(java.toString(), "-XX:+UseParallelGC", "-Xss512k",
                        "-cp", classes + ":" + lib + "/*", "io.zeroserve.perf.helidon.HelidonPeer",
                        "--root", site.www.toString(), "--cert", site.cert.toString(), "--key", site.key.toString(),
                        "--upstream", "http://127.0.0.1:" + upstreamPort),
                serverCpus, i.log, Map.of(), work));
        i.awaitListeningLines(60_000, true, 5_000);
    }

    // ---- zeroserve --------------------------------------------------------------------------------------------

    /**
     * The zeroserve transports to measure as separate columns: the {@code --transports} choice, or io_uring and nio
     * when the CLI knows {@code --transport}, or a single column with the default transport (null).
     */
    List<String> zeroserveTransports(List<String> requested) throws IOException {
        Path log = work.resolve("logs/zeroserve-help.log");
        Files.createDirectories(log.getParent());
        Files.deleteIfExists(log);
        Processes.run(List.of(launcher().toString(), "--help"), null, log, 600);
        boolean known = Files.readString(log).contains("--transport");
        List<String> out = new ArrayList<>();
        if (!known) {
            out.add(null);
        } else if (requested != null) {
            out.addAll(requested);
        } else {
            out.add("io_uring");
            out.add("nio");
        }
        return out;
    }

    /** Packs the static site and the script site with {@code zeroserve --pack}; failures are remembered. */
    void packZeroserveSites() throws IOException {
        Path logs = Files.createDirectories(work.resolve("logs"));
        Map<String, Path> dirs = Map.of("static", site.www, "scripts", site.scriptSite, "proxy", site.proxySite);
        for (String name : List.of("static", "scripts", "proxy")) {
            Path tar = work.resolve("site-" + name + ".tar");
            tars.put(name, tar);
            String failure = pack(dirs.get(name), tar, logs.resolve("zeroserve-pack-" + name + ".log"));
            if (failure != null) {
                packFailures.put(name, failure);
            }
        }
    }

    private String pack(Path dir, Path tar, Path log) throws IOException {
        Harness.progress("zeroserve --pack " + work.relativize(dir) + " (builds zeroserve on first use)");
        int rc = Processes.runToFile(List.of(launcher().toString(), "--pack", dir.toString()), tar, log, 900);
        if (rc != 0 || Files.size(tar) == 0) {
            Instance probe = new Instance("pack", log);
            return "zeroserve --pack failed (status " + rc + "): " + probe.tail();
        }
        return null;
    }

    void variants(Map<String, String> byName) {
        variants = Map.copyOf(byName);
    }

    Path launcher() {
        return repo.resolve("zeroserve");
    }

    private void startZeroserve(Instance i, String key) throws IOException, InterruptedException {
        // key: "zeroserve[ TRANSPORT][ scripts|proxy]"
        String siteName = key.endsWith(" scripts") ? "scripts" : key.endsWith(" proxy") ? "proxy" : "static";
        String rest = key.substring("zeroserve".length()).strip();
        if (!siteName.equals("static")) {
            rest = rest.substring(0, rest.length() - siteName.length()).strip();
        }
        String transport = rest.isEmpty() ? null : rest;
        Map<String, String> env = Map.of();
        String variantOptions = transport == null ? null : variants.get(transport);
        if (variantOptions != null) {
            transport = "io_uring";
            String inherited = System.getenv("ZEROSERVE_JAVA_OPTS");
            env = Map.of("ZEROSERVE_JAVA_OPTS", (inherited == null ? "" : inherited + " ") + variantOptions);
        }
        String packFailure = packFailures.get(siteName);
        if (packFailure != null) {
            throw new IOException(packFailure);
        }
        List<String> base = new ArrayList<>(List.of(launcher().toString(), "--addr", "127.0.0.1:0",
                "--disable-request-logging"));
        if (transport != null) {
            base.add("--transport");
            base.add(transport);
        }
        Path tar = tars.get(siteName);
        List<String> withTls = new ArrayList<>(base);
        withTls.addAll(List.of("--tls-addr", "127.0.0.1:0", "--cert", site.cert.toString(),
                "--key", site.key.toString(), tar.toString()));
        i.attach(Processes.start(withTls, serverCpus, i.log, env, work));
        try {
            i.awaitListeningLines(120_000, true, 5_000);
            return;
        } catch (IOException e) {
            if (i.alive()) {
                throw e;
            }
            Harness.progress(key + " with TLS flags failed (" + i.tail() + "); retrying without TLS");
            i.note("with --tls-addr/--cert/--key it exited: " + i.tail());
        }
        // The TLS flags are not there yet: serve plaintext only; HTTPS scenarios show n/a.
        Files.move(i.log, i.log.resolveSibling(i.log.getFileName() + ".with-tls"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        i.resetAddresses();
        List<String> plain = new ArrayList<>(base);
        plain.add(tar.toString());
        i.attach(Processes.start(plain, serverCpus, i.log, env, work));
        i.awaitListeningLines(120_000, false, 0);
    }
}
