package io.zeroserve;

import io.zeroserve.script.ScriptChain;
import io.zeroserve.script.ScriptConfig;
import io.zeroserve.script.ScriptHost;
import io.zeroserve.script.ScriptLoadException;
import io.zeroserve.script.ScriptOptions;
import java.util.concurrent.atomic.AtomicReference;
import io.helidon.common.context.Context;
import io.helidon.http.encoding.ContentEncodingContext;
import io.helidon.http.media.MediaContext;
import io.helidon.webserver.ListenerConfig;
import io.helidon.webserver.ListenerContext;
import io.helidon.webserver.Router;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionSelector;
import io.helidon.webserver.http2.Http2Config;
import io.helidon.webserver.http2.Http2ConnectionSelector;
import io.helidon.webserver.http2.Http2Upgrader;
import io.helidon.webserver.spi.ServerConnectionSelector;
import io.zeroserve.http.ConnectionHost;
import io.zeroserve.http.DirectRouting;
import io.zeroserve.http.HostSettings;
import io.zeroserve.http.RequestLog;
import io.zeroserve.http.SocketOpener;
import io.zeroserve.http.TlsSocketOpener;
import io.zeroserve.http.ZeroServeHandler;
import io.zeroserve.net.ListenAddress;
import io.zeroserve.net.Listener;
import io.zeroserve.net.Transport;
import io.zeroserve.net.Transports;
import io.zeroserve.http.ScriptedSite;
import io.zeroserve.site.CurrentSite;
import io.zeroserve.site.Site;
import io.zeroserve.site.SiteLoadException;
import io.zeroserve.site.SiteOptions;
import io.zeroserve.tls.TlsConfigException;
import io.zeroserve.tls.TlsContext;
import io.zeroserve.tls.TlsSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A running zeroserve: the embedding API, and what the CLI runs.
 *
 * <pre>{@code
 * try (ZeroServe server = ZeroServe.builder().site(Path.of("site.tar")).address("127.0.0.1:0").build().start()) {
 *     int port = server.port();
 *     ...
 * }
 * }</pre>
 *
 * <p>Threading: {@link #start()}, {@link #reload()} and {@link #close()} may be called from any thread; reloads
 * are serialized.
 */
public final class ZeroServe implements AutoCloseable {
    private static final System.Logger LOGGER = System.getLogger(ZeroServe.class.getName());

    private final ServerConfig config;
    private final List<ConnectionHost> hosts = new ArrayList<>();
    private final List<ConnectionHost> tlsHosts = new ArrayList<>();
    private TlsContext tls;
    private ZeroServeHandler handler;
    private CurrentSite site;
    private Transport transport;
    private ExecutorService streamExecutor;
    private volatile boolean running;
    private Thread reloadWatcher;
    /** Outlives reloads: the rate limiter's state is kept across them. */
    private ScriptHost scriptHost;
    private final AtomicReference<ScriptedSite> scripts = new AtomicReference<>();

    private ZeroServe(ServerConfig config) {
        this.config = config;
    }

    public static Builder builder() {
        return new Builder();
    }

    public ServerConfig config() {
        return config;
    }

    /**
     * Loads the site, binds every listener and starts serving.
     *
     * @throws SiteLoadException     when the site cannot be loaded (nothing is left running)
     * @throws UncheckedIOException  when a listener cannot be bound (address in use, permission)
     */
    public synchronized ZeroServe start() throws SiteLoadException {
        if (running) {
            return this;
        }
        site = new CurrentSite(Site.open(SiteScripts.siteTar(config.site()), config.siteOptions()));
        try {
            ScriptOptions scriptOptions = config.scripts().options();
            if (scriptOptions.log() == ScriptOptions.STDERR) {
                // Script log lines share the request log's asynchronous stderr writer, so they keep their order.
                RequestLog stderr = RequestLog.stderr();
                scriptOptions = scriptOptions.withLog(stderr::line);
            }
            scriptHost = ScriptHost.create(scriptOptions);
            scripts.set(new ScriptedSite(site.peek(),
                    SiteScripts.load(scriptHost, config.scripts(), config.site(), site.peek())));
        } catch (ScriptLoadException e) {
            site.close();
            throw new SiteLoadException(e.getMessage(), e);
        }
        if (!config.tlsAddresses().isEmpty()) {
            try {
                tls = TlsContext.create(config.tls().orElseGet(() -> TlsSettings.builder().build()));
            } catch (TlsConfigException | IllegalStateException e) {
                site.close();
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }
        try {
            transport = createTransport(config.transport());
            streamExecutor = Executors.newVirtualThreadPerTaskExecutor();
            RequestLog log = config.requestLogging() ? config.requestLog() : null;
            handler = new ZeroServeHandler(site, config.validateHostnames(), log, scripts::get, transport);
            Router router = Router.builder().addRouting(DirectRouting.builder(handler)).build();
            ZeroServeHandler fastPath = config.http1FastPath() ? handler : null;
            ListenerContext listenerContext = listenerContext(streamExecutor);
            Http1Config http1Config = Http1Config.builder()
                    .validatePath(false) // zeroserve's own normalisation decides what is a 400
                    .validateRequestHostHeader(false)
                    // Response headers come from us or from scripts, whose helpers validate what they set;
                    // checking every header again per response costs ~10% of a small static response.
                    .validateResponseHeaders(false)
                    .sendKeepAliveHeader(false) // HTTP/1.1 connections persist without it
                    .receiveLog(false) // Helidon's per-request debug listeners: measurable even when not logging
                    .sendLog(false)
                    .build();
            Http2Config http2Config = Http2Config.builder().validatePath(false).validateResponseHeaders(false).build();
            ServerConnectionSelector http1 = Http1ConnectionSelector.builder()
                    .config(http1Config)
                    .addUpgrader(Http2Upgrader.create(http2Config))
                    .addUpgrader(handler.webSocketTunnels())
                    .build();
            ServerConnectionSelector http2 = Http2ConnectionSelector.builder().http2Config(http2Config).build();
            router.beforeStart();
            int index = 0;
            for (ListenAddress address : config.addresses()) {
                Listener listener = bind(address);
                ConnectionHost host = new ConnectionHost("http-" + index++, listener, SocketOpener.plain(), router,
                        listenerContext, config.host(), http1, http2, fastPath);
                hosts.add(host);
            }
            index = 0;
            for (ListenAddress address : config.tlsAddresses()) {
                Listener listener = bind(address);
                ConnectionHost host = new ConnectionHost("https-" + index++, listener, new TlsSocketOpener(tls),
                        router, listenerContext, config.host(), http1, http2, fastPath);
                hosts.add(host);
                tlsHosts.add(host);
            }
            hosts.forEach(ConnectionHost::start);
            running = true;
            config.reloadSignalFile().ifPresent(this::watchReloadFile);
            return this;
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private static Transport createTransport(String choice) {
        try {
            return Transports.create(choice);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    private Listener bind(ListenAddress address) {
        try {
            return transport.listen(address, 1024);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + address + ": " + e.getMessage(), e);
        }
    }

    private static ListenerContext listenerContext(ExecutorService executor) {
        ListenerConfig listenerConfig = ListenerConfig.builder().build();
        MediaContext media = MediaContext.create();
        ContentEncodingContext encoding = ContentEncodingContext.create();
        DirectHandlers directHandlers = io.zeroserve.http.ErrorPages.directHandlers();
        Context context = Context.create();
        return new ListenerContext() {
            @Override
            public Context context() {
                return context;
            }

            @Override
            public MediaContext mediaContext() {
                return media;
            }

            @Override
            public ContentEncodingContext contentEncodingContext() {
                return encoding;
            }

            @Override
            public DirectHandlers directHandlers() {
                return directHandlers;
            }

            @Override
            public ListenerConfig config() {
                return listenerConfig;
            }

            @Override
            public ExecutorService executor() {
                return executor;
            }
        };
    }

    /** The bound plaintext addresses, in {@code --addr} order, with real ports. */
    public List<InetSocketAddress> addresses() {
        return hosts.stream().filter(h -> !tlsHosts.contains(h)).map(ConnectionHost::localAddress).toList();
    }

    /** The bound HTTPS addresses, in {@code --tls-addr} order, with real ports. */
    public List<InetSocketAddress> tlsAddresses() {
        return tlsHosts.stream().map(ConnectionHost::localAddress).toList();
    }

    /** The TLS state (certificates, ECH keys) when HTTPS listeners exist. */
    public Optional<TlsContext> tls() {
        return Optional.ofNullable(tls);
    }

    /** The port of the first plaintext listener. */
    public int port() {
        return addresses().getFirst().getPort();
    }

    /** {@code nio} or {@code io_uring}. */
    public String transportName() {
        return transport.name();
    }

    /** The site being served now. */
    public Site site() {
        return site.peek();
    }

    /**
     * Loads the site tar again from its path and swaps it in atomically. Requests in flight finish against the old
     * site. On any error the old site keeps serving and the error is returned.
     *
     * @return empty on success, else what was wrong
     */
    public synchronized Optional<String> reload() {
        if (!running) {
            return Optional.of("server is not running");
        }
        Site next;
        try {
            next = Site.open(SiteScripts.siteTar(config.site()), config.siteOptions());
        } catch (SiteLoadException e) {
            return Optional.of(e.getMessage());
        }
        ScriptChain chain;
        try {
            // Scripts load before anything is swapped: if any fails, the old site and chain keep serving.
            chain = SiteScripts.load(scriptHost, config.scripts(), config.site(), next);
        } catch (ScriptLoadException e) {
            next.release();
            return Optional.of(e.getMessage());
        }
        if (tls != null) {
            try {
                // Last, because it swaps on success: a failure here keeps the old site, scripts and TLS.
                tls.reload();
            } catch (TlsConfigException e) {
                next.release();
                return Optional.of("TLS: " + e.getMessage());
            }
        }
        scripts.set(new ScriptedSite(next, chain)); // first: see ZeroServeHandler.acquireWithScripts
        site.swap(next);
        return Optional.empty();
    }

    /**
     * Polls {@code file} every second and reloads when its contents change (zeroserve's
     * {@code --reload-signal-file}). A missing file counts as empty contents.
     */
    private void watchReloadFile(Path file) {
        reloadWatcher = Thread.ofPlatform().daemon().name("zeroserve-reload-file").start(() -> {
            byte[] seen = readOrEmpty(file);
            while (running) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
                byte[] now = readOrEmpty(file);
                if (!java.util.Arrays.equals(seen, now)) {
                    seen = now;
                    Optional<String> error = reload();
                    config.requestLog().line(error.map(e -> "[reload] failed, still serving the previous site: " + e)
                            .orElse("[reload] " + file + " changed: now serving " + config.site()));
                }
            }
        });
    }

    private static byte[] readOrEmpty(Path file) {
        try {
            return java.nio.file.Files.readAllBytes(file);
        } catch (IOException e) {
            return new byte[0];
        }
    }

    /** Open connections across all listeners. */
    public int connectionCount() {
        return hosts.stream().mapToInt(ConnectionHost::connectionCount).sum();
    }

    /**
     * Graceful stop: stop accepting, let requests in flight finish within the grace period, then cut what remains.
     */
    @Override
    public synchronized void close() {
        running = false;
        if (reloadWatcher != null) {
            reloadWatcher.interrupt();
        }
        hosts.forEach(ConnectionHost::stopAccepting);
        hosts.forEach(ConnectionHost::drain);
        long deadline = System.nanoTime() + config.host().gracePeriod().toNanos();
        boolean drained = true;
        for (ConnectionHost host : hosts) {
            drained &= host.awaitDrained(deadline);
        }
        if (!drained) {
            hosts.forEach(ConnectionHost::forceClose);
            long cut = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            hosts.forEach(host -> host.awaitDrained(cut));
        }
        hosts.forEach(ConnectionHost::forceClose);
        hosts.clear();
        tlsHosts.clear();
        if (tls != null) {
            tls.close();
            tls = null;
        }
        if (handler != null) {
            handler.closeUpstreams();
            handler = null;
        }
        if (streamExecutor != null) {
            streamExecutor.shutdownNow();
        }
        if (transport != null) {
            transport.close();
            transport = null;
        }
        if (site != null) {
            site.close();
        }
        if (RequestLog.stderr() != null) {
            RequestLog.stderr().flush();
        }
        LOGGER.log(System.Logger.Level.DEBUG, "stopped");
    }

    /** Builds a {@link ServerConfig}; every option has zeroserve's default. */
    public static final class Builder {
        private Path site;
        private String indexName = SiteOptions.DEFAULTS.indexName();
        private boolean tryHtml;
        private int cacheFileLimit = SiteOptions.DEFAULTS.cacheFileLimit();
        private long cacheBudget = SiteOptions.DEFAULTS.cacheBudget();
        private final List<ListenAddress> addresses = new ArrayList<>();
        private String transport = "auto";
        private boolean validateHostnames;
        private boolean requestLogging = true;
        // Connection-host settings, each defaulted from HostSettings.defaults(); combined in config().
        private int maxConnections = HostSettings.defaults().maxConnections();
        private Duration idleTimeout = HostSettings.defaults().idleTimeout();
        private Duration gracePeriod = HostSettings.defaults().gracePeriod();
        private boolean proxyProtocol = HostSettings.defaults().proxyProtocol();
        private Duration firstByteTimeout = HostSettings.defaults().firstByteTimeout();
        private Path reloadSignalFile;
        private RequestLog requestLog = RequestLog.stderr();
        private ScriptConfig scripts = ScriptConfig.defaults();
        private final List<ListenAddress> tlsAddresses = new ArrayList<>();
        private TlsSettings tls;
        private boolean http1FastPath = !Boolean.getBoolean("zeroserve.http1FastPath.off");

        private Builder() {
        }

        /** Adds an HTTPS listener ({@code --tls-addr}): {@code HOST:PORT}, {@code [V6]:PORT} or {@code fd:N}. */
        public Builder tlsAddress(String address) {
            tlsAddresses.add(ListenAddress.parse(address));
            return this;
        }

        /** Certificates for the HTTPS listeners (default: a self-signed certificate made at start). */
        public Builder tls(TlsSettings settings) {
            this.tls = settings;
            return this;
        }

        /** The site tar to serve (required). */
        public Builder site(Path tar) {
            this.site = tar;
            return this;
        }

        /** Adds a plaintext listener: {@code HOST:PORT}, {@code [V6]:PORT} or {@code fd:N}; port 0 picks one. */
        public Builder address(String address) {
            addresses.add(ListenAddress.parse(address));
            return this;
        }

        public Builder address(ListenAddress address) {
            addresses.add(address);
            return this;
        }

        /** Directory index file name (default {@code index.html}). */
        public Builder index(String name) {
            this.indexName = name;
            return this;
        }

        /** Also try {@code <path>.html} (default off). */
        public Builder tryHtml(boolean tryHtml) {
            this.tryHtml = tryHtml;
            return this;
        }

        /** In-memory cache of small files: files up to {@code fileLimit} bytes, {@code budget} bytes in all. */
        public Builder cache(int fileLimit, long budget) {
            this.cacheFileLimit = fileLimit;
            this.cacheBudget = budget;
            return this;
        }

        /** {@code auto} (default), {@code io_uring} or {@code nio}. */
        public Builder transport(String transport) {
            this.transport = transport;
            return this;
        }

        public Builder validateHostnames(boolean validate) {
            this.validateHostnames = validate;
            return this;
        }

        public Builder requestLogging(boolean enabled) {
            this.requestLogging = enabled;
            return this;
        }

        /** Expect a PROXY protocol v1 header on every connection (default off). */
        public Builder proxyProtocol(boolean enabled) {
            this.proxyProtocol = enabled;
            return this;
        }

        public Builder maxConnections(int max) {
            this.maxConnections = max;
            return this;
        }

        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = timeout;
            return this;
        }

        public Builder gracePeriod(Duration grace) {
            this.gracePeriod = grace;
            return this;
        }

        /** Where request and reload lines go (default stderr). */
        public Builder requestLog(RequestLog log) {
            this.requestLog = log;
            return this;
        }

        /** How long a new connection may stay silent (or stall its TLS handshake) before it is dropped. */
        public Builder firstByteTimeout(Duration timeout) {
            this.firstByteTimeout = timeout;
            return this;
        }

        public Builder reloadSignalFile(Path file) {
            this.reloadSignalFile = file;
            return this;
        }

        /** Plugins and script limits (default: none, zeroserve's limits). */
        public Builder scripts(ScriptConfig scripts) {
            this.scripts = Objects.requireNonNull(scripts, "scripts");
            return this;
        }

        /**
         * Answer plain HTTP/1.1 GET/HEAD requests for in-memory files on a fast path that skips Helidon's request
         * and response objects (default on; {@code -Dzeroserve.http1FastPath.off=true} turns it off). The responses
         * are the same either way; off is for comparisons.
         */
        public Builder http1FastPath(boolean enabled) {
            this.http1FastPath = enabled;
            return this;
        }

        public ServerConfig config() {
            Objects.requireNonNull(site, "site");
            List<ListenAddress> listen = addresses.isEmpty() ? List.of(ListenAddress.parse("0.0.0.0:8080")) : addresses;
            return new ServerConfig(site, new SiteOptions(indexName, tryHtml, cacheFileLimit, cacheBudget), listen,
                    transport, validateHostnames, requestLogging, requestLog,
                    new HostSettings(maxConnections, idleTimeout, gracePeriod, proxyProtocol, firstByteTimeout),
                    Optional.ofNullable(reloadSignalFile),
                    scripts, tlsAddresses,
                    tlsAddresses.isEmpty() ? Optional.ofNullable(tls)
                            : Optional.of(tls != null ? tls : TlsSettings.builder().build()),
                    http1FastPath);
        }

        public ZeroServe build() {
            return new ZeroServe(config());
        }
    }
}
