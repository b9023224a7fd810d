package io.zeroserve.tls;

import io.zeroserve.ffi.boringssl.BoringSsl;
import io.zeroserve.ffi.boringssl.LibCrypto;
import io.zeroserve.ffi.boringssl.LibSsl;
import io.zeroserve.net.Connection;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The server's TLS state: certificates with SNI choice, ECH keys, and rotating session-ticket keys, reloadable as
 * a whole. Hands out {@link TlsSocket}s by running the handshake over a {@link Connection}.
 *
 * <pre>
 * TlsContext tls = TlsContext.create(TlsSettings.builder().certificateDirectory(dir).build());
 * TlsSocket socket = tls.accept(connection, Duration.ofSeconds(10));   // on the connection's virtual thread
 * if ("h2".equals(socket.protocol())) ...
 * </pre>
 *
 * <p>Protocol: TLS 1.3 only (a TLS 1.2 client gets a protocol_version alert), ALPN from the settings (default
 * h2 then http/1.1), no 0-RTT, stateless tickets under {@link TicketKeys}.
 *
 * <p>Threading: {@link #accept} may run on any number of threads; {@link #reload()} swaps the material atomically
 * (connections mid-handshake finish with the material they started with).
 */
public final class TlsContext implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.zeroserve.tls");

    /** Fires handshake timeouts; a single daemon thread, tasks removed when cancelled. */
    static final ScheduledThreadPoolExecutor TIMER;

    static {
        TIMER = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "zeroserve-tls-timer");
            t.setDaemon(true);
            return t;
        });
        TIMER.setRemoveOnCancelPolicy(true);
    }

    private final TlsSettings settings;
    private final InstantSource clock;
    private final TicketKeys ticketKeys;
    private final List<byte[]> alpnWire;
    private final AtomicReference<Material> current = new AtomicReference<>();
    private final AtomicLong connectionIds = new AtomicLong();
    private volatile SelfSignedCertificate selfSigned;
    private volatile boolean closed;

    private TlsContext(TlsSettings settings, InstantSource clock) {
        this.settings = settings;
        this.clock = clock;
        this.ticketKeys = new TicketKeys(clock);
        this.alpnWire = settings.alpn().stream().map(p -> p.getBytes(StandardCharsets.ISO_8859_1)).toList();
    }

    /**
     * Loads everything the settings name.
     *
     * @throws TlsConfigException naming the file and the problem
     */
    public static TlsContext create(TlsSettings settings) throws TlsConfigException {
        return create(settings, InstantSource.system());
    }

    /** As {@link #create(TlsSettings)}, with a clock for certificate validity and ticket-key rotation. */
    static TlsContext create(TlsSettings settings, InstantSource clock) throws TlsConfigException {
        BoringSsl.requireAvailable();
        TlsContext context = new TlsContext(settings, clock);
        context.current.set(context.load());
        return context;
    }

    /**
     * Re-reads every file and swaps in the new material. On any error the old material stays in use and the
     * exception says why (the caller logs it). The zero-config certificate is kept, not remade.
     */
    public void reload() throws TlsConfigException {
        if (closed) {
            throw new IllegalStateException("TLS context is closed");
        }
        Material fresh = load();
        Material old = current.getAndSet(fresh);
        if (old != null) {
            old.release();
        }
    }

    private Material load() throws TlsConfigException {
        Instant now = clock.instant();
        CertificateStore certs;
        if (settings.certFile() != null) {
            certs = CertificateStore.fromFiles(settings.certFile(), settings.keyFile());
            X509Info.warnIfNotValid(certs, now);
        } else if (settings.certDir() != null) {
            certs = CertificateStore.fromDirectory(settings.certDir(), now);
        } else {
            SelfSignedCertificate self = selfSigned;
            if (self == null) {
                self = SelfSignedCertificate.loadOrCreate(settings.stateDir(), settings.selfSignedNames(), now);
                selfSigned = self;
                // The CLI prints the fingerprint on its start lines; embedders find it in selfSignedCertificate().
                LOG.log(System.Logger.Level.DEBUG, "{0} self-signed certificate for {1}; SHA-256 fingerprint {2}",
                        self.reused() ? "using stored" : "made a", String.join(", ", settings.selfSignedNames()),
                        self.fingerprintSha256());
            }
            certs = CertificateStore.fromPem("self-signed certificate", self.certificatePem(), self.privateKeyPem());
        }
        EchKeys ech = null;
        MemorySegment ctx = MemorySegment.NULL;
        try {
            if (settings.echKeys() != null) {
                ech = EchKeys.load(settings.echKeys());
            }
            ctx = newServerContext(ech);
            return new Material(ctx, certs, ech);
        } catch (TlsConfigException | RuntimeException e) {
            certs.close();
            if (ech != null) {
                ech.close();
            }
            if (!ctx.equals(MemorySegment.NULL)) {
                LibSsl.SSL_CTX_free(ctx);
            }
            throw e;
        }
    }

    private MemorySegment newServerContext(EchKeys ech) throws TlsConfigException {
        LibCrypto.ERR_clear_error();
        MemorySegment ctx = LibSsl.SSL_CTX_new(LibSsl.TLS_method());
        if (ctx.equals(MemorySegment.NULL)) {
            throw new TlsConfigException("SSL_CTX_new: " + BoringSsl.drainErrors());
        }
        boolean ok = LibSsl.SSL_CTX_set_min_proto_version(ctx, LibSsl.TLS1_3_VERSION) == 1
                && LibSsl.SSL_CTX_set_max_proto_version(ctx, LibSsl.TLS1_3_VERSION) == 1;
        LibSsl.SSL_CTX_set_select_certificate_cb(ctx, Callbacks.SELECT_CERTIFICATE);
        LibSsl.SSL_CTX_set_alpn_select_cb(ctx, Callbacks.ALPN_SELECT, MemorySegment.NULL);
        ok &= LibSsl.SSL_CTX_set_tlsext_ticket_key_cb(ctx, Callbacks.TICKET_KEY) == 1;
        // TLS 1.3 resumption is ticket-only; a server-side session cache would only hold memory.
        LibSsl.SSL_CTX_set_session_cache_mode(ctx, LibSsl.SSL_SESS_CACHE_OFF);
        LibSsl.SSL_CTX_set_early_data_enabled(ctx, 0);
        if (settings.requestClientCertificates()) {
            LibSsl.SSL_CTX_set_custom_verify(ctx, LibSsl.SSL_VERIFY_PEER, Callbacks.ACCEPT_ANY_CLIENT_CERTIFICATE);
        }
        if (ech != null) {
            ok &= LibSsl.SSL_CTX_set1_ech_keys(ctx, ech.nativeKeys()) == 1;
        }
        if (!ok) {
            String errors = BoringSsl.drainErrors();
            LibSsl.SSL_CTX_free(ctx);
            throw new TlsConfigException("cannot configure the TLS context: " + errors);
        }
        return ctx;
    }

    /**
     * Runs the TLS handshake for {@code connection} on the calling thread (normally the connection's virtual
     * thread) and returns the socket to hand to Helidon.
     *
     * @param handshakeTimeout a client that has not finished by then is dropped
     * @throws TlsHandshakeException when the handshake fails or times out; the connection is closed by then
     */
    public TlsSocket accept(Connection connection, Duration handshakeTimeout) throws TlsHandshakeException {
        return accept(connection, handshakeTimeout, "tls",
                Long.toHexString(connectionIds.incrementAndGet()));
    }

    /** As {@link #accept(Connection, Duration)}, with Helidon's socket ids for its logs. */
    public TlsSocket accept(Connection connection, Duration handshakeTimeout, String socketId, String childSocketId)
            throws TlsHandshakeException {
        return accept(connection, handshakeTimeout, socketId, childSocketId, null, null, null);
    }

    /**
     * The general form, for a connection host.
     *
     * @param remote   address to report for the client instead of the connection's (a PROXY header's source), or null
     * @param local    address to report for the server side, or null
     * @param leftover bytes already read from the connection that belong to the TLS stream, or null
     */
    public TlsSocket accept(Connection connection, Duration handshakeTimeout, String socketId, String childSocketId,
                            java.net.SocketAddress remote, java.net.SocketAddress local, byte[] leftover)
            throws TlsHandshakeException {
        Material material;
        do {
            material = current.get();
            if (material == null || closed) {
                connection.close();
                throw new TlsHandshakeException("TLS context is closed");
            }
        } while (!material.retain());
        return TlsSocket.handshake(this, material, connection, handshakeTimeout, socketId, childSocketId, remote,
                local, leftover);
    }

    /** As {@link #accept(Connection, Duration)} with the settings' handshake timeout. */
    public TlsSocket accept(Connection connection) throws TlsHandshakeException {
        return accept(connection, settings.handshakeTimeout());
    }

    public TlsSettings settings() {
        return settings;
    }

    /** The zero-config certificate, when the server made (or reused) one. */
    public Optional<SelfSignedCertificate> selfSignedCertificate() {
        return Optional.ofNullable(selfSigned);
    }

    /** True when ECH keys are loaded in the current material. */
    public boolean echConfigured() {
        Material m = current.get();
        return m != null && m.ech != null;
    }

    /** The ECHConfigList of the current ECH keys (for DNS and for tests), or empty. */
    public Optional<byte[]> echConfigList() {
        Material m = current.get();
        return m == null || m.ech == null ? Optional.empty() : Optional.of(m.ech.configList());
    }

    /** One line for the startup log, e.g. {@code 2 certificates (site.pem, wild.pem), 1 ECH key}. */
    public String describe() {
        Material m = current.get();
        if (m == null) {
            return "closed";
        }
        List<CertificateStore.Entry> entries = m.certificates.entries();
        StringBuilder sb = new StringBuilder();
        sb.append(entries.size()).append(entries.size() == 1 ? " certificate (" : " certificates (");
        for (int i = 0; i < entries.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            List<String> names = entries.get(i).dnsNames();
            sb.append(names.isEmpty() ? entries.get(i).source().getFileName() : String.join(" ", names));
        }
        sb.append(')');
        if (m.ech != null) {
            sb.append(", ").append(m.ech.configs().size()).append(" ECH key")
                    .append(m.ech.configs().size() == 1 ? "" : "s");
        }
        return sb.toString();
    }

    InstantSource clock() {
        return clock;
    }

    TicketKeys ticketKeys() {
        return ticketKeys;
    }

    List<byte[]> alpnWire() {
        return alpnWire;
    }

    /** Frees the current material once the last handshake using it is done. Open connections are unaffected. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Material old = current.getAndSet(null);
        if (old != null) {
            old.release();
        }
    }

    /** Certificate validity warnings for single-certificate setups. */
    private static final class X509Info {
        static void warnIfNotValid(CertificateStore certs, Instant now) {
            for (CertificateStore.Entry e : certs.entries()) {
                if (!e.validAt(now)) {
                    LOG.log(System.Logger.Level.WARNING, "{0}: certificate is not valid now (valid {1} to {2});"
                            + " serving it anyway", e.source(), e.leaf().getNotBefore(), e.leaf().getNotAfter());
                }
            }
        }
    }
}
