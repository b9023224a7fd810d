package io.zeroserve.tls;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.socket.HelidonSocket;
import io.helidon.common.socket.PeerInfo;
import io.zeroserve.ffi.boringssl.BoringSsl;
import io.zeroserve.ffi.boringssl.LibCrypto;
import io.zeroserve.ffi.boringssl.LibSsl;
import io.zeroserve.net.Connection;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.Principal;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A TLS 1.3 server connection: BoringSSL over two memory BIOs on top of a {@link Connection}, seen by Helidon as a
 * {@link HelidonSocket}. Made by {@link TlsContext#accept}, which has already run the handshake, so
 * {@link #protocolNegotiated()} and {@link #facts()} are final from the start.
 *
 * <p>Threading: one thread reads ({@link #get()}), any number write ({@link #write(BufferData)}), another may
 * {@link #close()}. Every call into the {@code SSL*} happens under {@code sslLock}, which is never held across a
 * network wait, so a reader blocked on the network never delays a writer. TLS records must reach the wire in
 * the order they were sealed: the write BIO is the queue. A writer seals its bytes under {@code sslLock}, which
 * appends the records to the write BIO, and notes where its last record ends in the connection's byte stream;
 * whoever holds {@code writeLock} then drains everything the BIO holds straight into the connection's outgoing
 * memory ({@link Connection#write(Connection.Producer)}: one copy, no array of ours), so concurrent HTTP/2 streams
 * share a send (group commit), and a writer returns once its own records were handed to the connection. A write
 * larger than a round ({@link #WRITE_CHUNK}) keeps {@code sealLock}, so that no other writer's records come between
 * its own (an HTTP/2 frame stays whole), and seals its further rounds itself while it drains, each as the transport
 * has room for it: the BIO holds one round at most, yet the transport gets the ciphertext in pieces as large as its
 * buffer.
 *
 * <p>Ownership: owns the {@code SSL*} (and through it both BIOs); freed by {@link #close()} under
 * {@code sslLock}, after which every operation fails cleanly instead of touching freed memory.
 */
public final class TlsSocket implements HelidonSocket {
    private static final System.Logger LOG = System.getLogger("io.zeroserve.tls");
    /**
     * Plaintext bytes sealed per round: one full record by default. The write BIO then never holds more than one
     * record (plus a response head sealed with it), below {@link #BIO_SHRINK_THRESHOLD}, so it keeps one allocation
     * of about 22 KiB instead of growing (BoringSSL's memory BIO reallocates by a third at a time and wipes every
     * block it frees), and the ciphertext is still in the cache when it is copied out. A round is one SSL_write;
     * BoringSSL cuts records at 16 KiB anyway, so a larger round would save calls, not records.
     * {@code -Dzeroserve.tls.writeChunkKiB=N} overrides it for benchmarks.
     */
    private static final int WRITE_CHUNK = Integer.getInteger("zeroserve.tls.writeChunkKiB", 16) * 1024;
    /**
     * A memory BIO never gives back the capacity it grew to. When more than this many bytes passed through one at
     * once, it is replaced by a fresh one before the reader next waits for the network, so an idle connection holds
     * a few KiB, not its largest burst.
     */
    private static final int BIO_SHRINK_THRESHOLD = 20 * 1024;

    private final TlsContext context;
    private final Connection connection;
    private final String socketId;
    private final String childSocketId;
    private final ReentrantLock sslLock = new ReentrantLock();
    private final ReentrantLock writeLock = new ReentrantLock();
    /**
     * Held by a writer while it seals its bytes, and across the sends between its rounds when they take several,
     * so that the records of one write reach the wire in one piece. Taken before {@code writeLock}, never after.
     */
    private final ReentrantLock sealLock = new ReentrantLock();
    /**
     * Reader-only buffer for SSL_read (one record's plaintext at most); handed back to {@link #READ_BUFFERS} while
     * the reader waits on the network, so that idle connections do not hold 16 KiB of heap each.
     */
    private byte[] readBuffer;
    /**
     * SSL_read buffers of connections that are not reading right now. Taking one instead of allocating a fresh
     * 16 KiB array per request saves the allocation and its zeroing, which cost several µs per small request
     * (perf/RESULTS-script-chain.md); the bound keeps what a burst leaves behind small.
     */
    private static final ArrayBlockingQueue<byte[]> READ_BUFFERS = new ArrayBlockingQueue<>(256);
    private static final int READ_BUFFER_SIZE = 16384;
    /** Plaintext copies of {@link #write(BufferData)}: an HTTP/2 DATA frame of 16 KiB with its 9-byte header fits. */
    private static final ArrayBlockingQueue<byte[]> PLAIN_BUFFERS = new ArrayBlockingQueue<>(256);
    private static final int PLAIN_BUFFER_SIZE = 16384 + 64;
    /** Largest ciphertext chunk fed since the read BIO was last replaced (reader thread only). */
    private int rbioHighWater;
    /**
     * Most ciphertext the write BIO held at once since it was last replaced (written under sslLock; an int, so the
     * reader's unlocked first look never sees a torn value).
     */
    private int wbioHighWater;

    private MemorySegment ssl;
    // Replaced (under sslLock) when they grew large; see BIO_SHRINK_THRESHOLD.
    private MemorySegment rbio;
    private MemorySegment wbio;
    private Material material;
    private volatile boolean closed;
    private volatile boolean timedOut;

    // Set during the handshake by callbacks (same thread), read afterwards.
    private String selectedServerName;
    private Throwable callbackFailure;

    /** Addresses to report instead of the connection's (the PROXY header's source), or null. */
    private SocketAddress remoteAddress;
    private SocketAddress localAddress;

    /** Ciphertext bytes drained from the write BIO so far: where the BIO's content starts in the stream (sslLock). */
    private long drained;
    /** Ciphertext bytes handed to the connection, and why sending stopped (writeLock). */
    private long handed;
    private IOException sendFailure;
    /** Drains the write BIO into the connection's memory; called by the connection with writeLock held. */
    private final Connection.Producer drainer = this::drainInto;
    /** The stream position {@link #drainer} reached during the current send (writeLock). */
    private long drainedBySend;
    /** Plaintext of a write larger than a round, sealed as the connection takes the ciphertext (sslLock). */
    private final Unsealed unsealed = new Unsealed();

    private TlsFacts facts;
    private PeerInfo remotePeer;
    private PeerInfo localPeer;

    private TlsSocket(TlsContext context, Material material, Connection connection, String socketId,
                      String childSocketId) {
        this.context = context;
        this.material = material;
        this.connection = connection;
        this.socketId = socketId;
        this.childSocketId = childSocketId;
        LibCrypto.ERR_clear_error();
        ssl = LibSsl.SSL_new(material.ctx);
        if (ssl.equals(MemorySegment.NULL)) {
            throw new IllegalStateException("SSL_new: " + BoringSsl.drainErrors());
        }
        rbio = newReadBio();
        wbio = LibCrypto.BIO_new(LibCrypto.BIO_s_mem());
        LibSsl.SSL_set_bio(ssl, rbio, wbio);
        LibSsl.SSL_set_accept_state(ssl);
    }

    private static MemorySegment newReadBio() {
        MemorySegment bio = LibCrypto.BIO_new(LibCrypto.BIO_s_mem());
        if (bio.equals(MemorySegment.NULL)) {
            throw new IllegalStateException("BIO_new: " + BoringSsl.drainErrors());
        }
        // An empty read BIO must mean "want more", not end of stream.
        LibCrypto.BIO_set_mem_eof_return(bio, -1);
        return bio;
    }

    /** Runs the whole server handshake on the calling thread; see {@link TlsContext#accept}. */
    static TlsSocket handshake(TlsContext context, Material material, Connection connection, Duration timeout,
                               String socketId, String childSocketId, SocketAddress remote, SocketAddress local,
                               byte[] leftover) throws TlsHandshakeException {
        TlsSocket socket;
        try {
            socket = new TlsSocket(context, material, connection, socketId, childSocketId);
        } catch (RuntimeException e) {
            material.release();
            connection.close();
            throw new TlsHandshakeException("cannot start TLS: " + e.getMessage(), e);
        }
        socket.remoteAddress = remote;
        socket.localAddress = local;
        socket.runHandshake(timeout, leftover);
        return socket;
    }

    private void runHandshake(Duration timeout, byte[] leftover) throws TlsHandshakeException {
        long key = ssl.address();
        Callbacks.ACTIVE.put(key, this);
        ScheduledFuture<?> timer = TlsContext.TIMER.schedule(() -> {
            timedOut = true;
            connection.close();
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        HelloCollector hello = new HelloCollector();
        try {
            if (leftover != null && leftover.length > 0) {
                // Bytes read past a PROXY header belong to the TLS stream.
                hello.feed(leftover);
                feed(leftover);
            }
            while (true) {
                int ret;
                int err;
                String errors = null;
                // Only this thread knows the SSL* yet; the lock is for the memory model and uniformity.
                sslLock.lock();
                try {
                    LibCrypto.ERR_clear_error();
                    ret = LibSsl.SSL_do_handshake(ssl);
                    err = ret == 1 ? LibSsl.SSL_ERROR_NONE : LibSsl.SSL_get_error(ssl, ret);
                    if (err != LibSsl.SSL_ERROR_NONE && err != LibSsl.SSL_ERROR_WANT_READ) {
                        errors = BoringSsl.drainErrors();
                    }
                } finally {
                    sslLock.unlock();
                }
                // Send what the handshake produced, alerts included, before judging the outcome.
                flushLocked();
                if (err == LibSsl.SSL_ERROR_NONE) {
                    break;
                }
                if (err != LibSsl.SSL_ERROR_WANT_READ) {
                    throw new TlsHandshakeException("TLS handshake failed: " + errors
                            + (callbackFailure != null ? " (" + callbackFailure + ")" : ""), callbackFailure);
                }
                byte[] data = connection.read();
                if (data == null) {
                    throw new TlsHandshakeException(hello.done() ? "client closed the connection during the handshake"
                            : "client closed the connection before sending a ClientHello");
                }
                hello.feed(data);
                feed(data);
            }
            if (!timer.cancel(false) && timedOut) {
                throw new IOException("connection closed by the handshake timer");
            }
            facts = collectFacts(hello.hello());
            capturePeers();
        } catch (IOException | RuntimeException e) {
            Callbacks.ACTIVE.remove(key);
            timer.cancel(false);
            releaseMaterial();
            close();
            if (timedOut) {
                throw new TlsHandshakeException("TLS handshake from " + remote() + " timed out after " + timeout, e);
            }
            if (e instanceof TlsHandshakeException t) {
                throw new TlsHandshakeException(t.getMessage() + " (client " + remote() + ")", t.getCause());
            }
            throw new TlsHandshakeException("TLS handshake from " + remote() + " failed: " + e, e);
        }
        Callbacks.ACTIVE.remove(key);
        // Past certificate selection, the SSL holds its own references to context, chain and key.
        releaseMaterial();
    }

    private String remote() {
        SocketAddress address = remoteAddress != null ? remoteAddress : connection.remoteAddress();
        if (!(address instanceof InetSocketAddress a)) {
            return String.valueOf(address);
        }
        return a.getHostString() + ":" + a.getPort();
    }

    private void releaseMaterial() {
        if (material != null) {
            material.release();
            material = null;
        }
    }

    TlsContext context() {
        return context;
    }

    /** Called from the select-certificate callback, on the handshake thread. */
    CertificateStore.Entry chooseCertificate(String serverName) {
        selectedServerName = serverName;
        return material.certificates.select(serverName, context.clock().instant());
    }

    void callbackFailed(Throwable t) {
        callbackFailure = t;
    }

    private void feed(byte[] data) throws IOException {
        sslLock.lock();
        try {
            ensureOpen();
            int n = LibCrypto.BIO_write_critical(rbio, MemorySegment.ofArray(data), data.length);
            if (n != data.length) {
                throw new IOException("BIO_write: " + BoringSsl.drainErrors());
            }
            rbioHighWater = Math.max(rbioHighWater, data.length);
        } finally {
            sslLock.unlock();
        }
    }

    private void ensureOpen() throws IOException {
        if (ssl == null) {
            throw new IOException("TLS connection closed");
        }
    }

    /** Sends what the write BIO holds (with anything sealed before). */
    private void flushLocked() throws IOException {
        long end;
        sslLock.lock();
        try {
            ensureOpen();
            end = sealedEndUnderSslLock();
        } finally {
            sslLock.unlock();
        }
        if (end > 0) {
            sendQueued(end);
        }
    }

    /**
     * Under {@code sslLock}, after sealing: where the ciphertext sealed so far ends in the connection's byte stream.
     *
     * @return the position to wait for with {@link #sendQueued}, or 0 when the write BIO is empty
     */
    private long sealedEndUnderSslLock() {
        long pending = LibCrypto.BIO_pending(wbio);
        if (pending <= 0) {
            return 0;
        }
        if (pending > wbioHighWater) {
            wbioHighWater = (int) Math.min(pending, Integer.MAX_VALUE);
        }
        return drained + pending;
    }

    /** Sends sealed ciphertext until stream position {@code end} is on its way; other writers' records ride along. */
    private void sendQueued(long end) throws IOException {
        writeLock.lock();
        try {
            // unsealed.owner is only ever set to the thread setting it, so this unlocked read is exact for us.
            if (handed >= end && unsealed.owner != Thread.currentThread()) {
                return; // an earlier sender took our records with its own
            }
            if (sendFailure != null) {
                throw new IOException("TLS connection broken by an earlier send: " + sendFailure.getMessage(),
                        sendFailure);
            }
            try {
                connection.write(drainer);
            } catch (IOException e) {
                sendFailure = e;
                throw e;
            } catch (RuntimeException e) {
                sendFailure = new IOException("TLS send failed: " + e, e);
                throw e;
            }
            handed = drainedBySend;
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * {@link Connection.Producer} of {@link #sendQueued}: moves the write BIO's ciphertext, in seal order, into the
     * connection's memory, and when the BIO is empty and the sending thread still has plaintext of its own to seal
     * ({@link #unsealed}), seals its next round and moves that too, until {@code target} is full. So the BIO holds
     * one round at most, each round's ciphertext is copied out while still in the cache, and a large write reaches
     * the transport in pieces as large as its buffer (one send for a 100 KB response on io_uring). Runs on the
     * sending thread, which holds {@code writeLock}; takes {@code sslLock} for each step.
     */
    private int drainInto(MemorySegment target) throws IOException {
        long room = target.byteSize();
        long filled = 0;
        while (filled < room) {
            sslLock.lock();
            try {
                ensureOpen();
                int want = (int) Math.min(room - filled, Integer.MAX_VALUE);
                int n = LibCrypto.BIO_read_critical(wbio, filled == 0 ? target : target.asSlice(filled), want);
                if (n > 0) {
                    drained += n;
                    filled += n;
                }
                if (n < want) { // the BIO is empty now (a memory BIO reports "empty" as -1 with a retry flag)
                    if (unsealed.remaining == 0 || unsealed.owner != Thread.currentThread()) {
                        break;
                    }
                    unsealed.sealRound();
                    sealedEndUnderSslLock(); // for the high-water mark
                }
            } finally {
                sslLock.unlock();
            }
        }
        drainedBySend = drained;
        return (int) filled;
    }

    /**
     * The plaintext of the write in progress that is not sealed yet, up to two ranges in order. Set and sealed by
     * the one writer that holds {@code sealLock} (its {@link #owner}), under {@code sslLock}.
     */
    private final class Unsealed {
        Thread owner;
        long remaining;
        private byte[] data;
        private int pos;
        private int end;
        private byte[] next;
        private int nextPos;
        private int nextEnd;

        void set(byte[] first, int firstOffset, int firstLength, byte[] second, int secondOffset, int secondLength) {
            owner = Thread.currentThread();
            data = first;
            pos = firstOffset;
            end = firstOffset + firstLength;
            next = second;
            nextPos = secondOffset;
            nextEnd = secondOffset + secondLength;
            remaining = (long) firstLength + secondLength;
        }

        void clear() {
            owner = null;
            data = null;
            next = null;
            remaining = 0;
        }

        /**
         * Under {@code sslLock}: seals the next {@link #WRITE_CHUNK} bytes (or what is left) into the write BIO. The
         * caller's error queue was cleared by SSL_write itself ({@code ssl_reset_error_state}), so a failure's errors
         * are this call's.
         */
        void sealRound() throws IOException {
            long budget = Math.min(remaining, WRITE_CHUNK);
            while (budget > 0) {
                if (pos == end) {
                    data = next;
                    pos = nextPos;
                    end = nextEnd;
                    next = null;
                }
                int chunk = (int) Math.min(budget, end - pos);
                // Memory BIOs never refuse bytes, so SSL_write seals the whole chunk or fails.
                int n = LibSsl.SSL_write_critical(ssl, MemorySegment.ofArray(data).asSlice(pos), chunk);
                if (n != chunk) {
                    throw new IOException("TLS write failed: " + BoringSsl.drainErrors());
                }
                pos += chunk;
                budget -= chunk;
                remaining -= chunk;
            }
        }
    }

    private TlsFacts collectFacts(ClientHello hello) throws IOException {
        sslLock.lock();
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment data = tmp.allocate(ValueLayout.ADDRESS);
            MemorySegment len = tmp.allocate(ValueLayout.JAVA_INT);
            LibSsl.SSL_get0_alpn_selected(ssl, data, len);
            int alpnLen = len.get(ValueLayout.JAVA_INT, 0);
            String alpn = alpnLen == 0 ? null : new String(data.get(ValueLayout.ADDRESS, 0).reinterpret(alpnLen)
                    .toArray(ValueLayout.JAVA_BYTE), java.nio.charset.StandardCharsets.ISO_8859_1);
            MemorySegment name = LibSsl.SSL_get_servername(ssl, LibSsl.TLSEXT_NAMETYPE_host_name);
            String inner = name.equals(MemorySegment.NULL) ? selectedServerName : name.reinterpret(256).getString(0);
            boolean ech = LibSsl.SSL_ech_accepted(ssl) == 1;
            boolean resumed = LibSsl.SSL_session_reused(ssl) == 1;
            int version = LibSsl.SSL_version(ssl);
            MemorySegment cipher = LibSsl.SSL_get_current_cipher(ssl);
            String cipherName = cipher.equals(MemorySegment.NULL) ? null
                    : LibSsl.SSL_CIPHER_standard_name(cipher).reinterpret(128).getString(0);
            List<X509Certificate> clientCerts = clientCertificates();
            String outer = hello != null ? hello.serverName() : null;
            String ja4 = hello != null ? Ja4.of(hello) : null;
            // ECH keys of the material this handshake used (a reload may have changed the context's since).
            return new TlsFacts(true, true, alpn, inner, outer, material.ech != null, ech, ja4,
                    version == 0x0304 ? "TLSv1.3" : String.format("0x%04x", version), cipherName, resumed,
                    clientCerts);
        } finally {
            sslLock.unlock();
        }
    }

    private List<X509Certificate> clientCertificates() throws IOException {
        MemorySegment stack = LibSsl.SSL_get0_peer_certificates(ssl);
        if (stack.equals(MemorySegment.NULL)) {
            return List.of();
        }
        List<X509Certificate> out = new ArrayList<>();
        long n = LibCrypto.sk_num(stack);
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (long i = 0; i < n; i++) {
                MemorySegment buf = LibCrypto.sk_value(stack, i);
                long len = LibCrypto.CRYPTO_BUFFER_len(buf);
                byte[] der = LibCrypto.CRYPTO_BUFFER_data(buf).reinterpret(len).toArray(ValueLayout.JAVA_BYTE);
                out.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
            }
        } catch (CertificateException e) {
            throw new IOException("client certificate does not parse: " + e.getMessage(), e);
        }
        return List.copyOf(out);
    }

    private void capturePeers() {
        List<X509Certificate> certs = facts.clientCertificates();
        Optional<Certificate[]> chain = certs.isEmpty() ? Optional.empty()
                : Optional.of(certs.toArray(Certificate[]::new));
        Optional<Principal> principal = certs.isEmpty() ? Optional.empty()
                : Optional.of(certs.getFirst().getSubjectX500Principal());
        remotePeer = Peer.of(remoteAddress != null ? remoteAddress : connection.remoteAddress(), principal, chain, facts);
        localPeer = Peer.of(localAddress != null ? localAddress : connection.localAddress(), Optional.empty(),
                Optional.empty(), facts);
    }

    /** What the handshake established. */
    public TlsFacts facts() {
        return facts;
    }

    /** The underlying transport connection. */
    public Connection connection() {
        return connection;
    }

    // ---- HelidonSocket

    /**
     * Blocks until decrypted bytes are available and returns them, or null at the end of the stream (close_notify
     * or the peer closing its side).
     *
     * @throws UncheckedIOException on a TLS error or a transport failure (cause kept, e.g.
     *                              {@code ClosedByInterruptException})
     */
    @Override
    public byte[] get() {
        try {
            while (true) {
                int n;
                int err;
                long output;
                String errors = null;
                if (readBuffer == null) {
                    readBuffer = READ_BUFFERS.poll();
                    if (readBuffer == null) {
                        readBuffer = new byte[READ_BUFFER_SIZE];
                    }
                }
                sslLock.lock();
                try {
                    if (ssl == null) {
                        return null;
                    }
                    // No ERR_clear_error: SSL_read clears the queue itself (ssl_reset_error_state).
                    n = LibSsl.SSL_read_critical(ssl, MemorySegment.ofArray(readBuffer), readBuffer.length);
                    err = n > 0 ? LibSsl.SSL_ERROR_NONE : LibSsl.SSL_get_error(ssl, n);
                    if (err == LibSsl.SSL_ERROR_SSL || err == LibSsl.SSL_ERROR_SYSCALL) {
                        errors = BoringSsl.drainErrors();
                    }
                    // Post-handshake messages (KeyUpdate replies, alerts) go out in order with the writers.
                    output = sealedEndUnderSslLock();
                } finally {
                    sslLock.unlock();
                }
                if (output > 0) {
                    sendQueued(output);
                }
                if (n > 0) {
                    return Arrays.copyOf(readBuffer, n);
                }
                switch (err) {
                    case LibSsl.SSL_ERROR_WANT_READ -> {
                        // Stale plaintext left in a pooled buffer is never read: only the n bytes that SSL_read
                        // writes are copied out.
                        READ_BUFFERS.offer(readBuffer);
                        readBuffer = null;
                        shrinkBios();
                        byte[] data = connection.read();
                        if (data == null) {
                            return null;
                        }
                        feed(data);
                    }
                    case LibSsl.SSL_ERROR_ZERO_RETURN -> {
                        return null;
                    }
                    default -> throw new IOException("TLS read failed: " + errors);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Replaces a BIO that grew large and is empty now (reader thread, before waiting for the network). The write
     * BIO is checked without the lock first: a stale read only delays its shrinking to the next wait.
     */
    private void shrinkBios() {
        if (rbioHighWater <= BIO_SHRINK_THRESHOLD && wbioHighWater <= BIO_SHRINK_THRESHOLD) {
            return;
        }
        sslLock.lock();
        try {
            if (ssl == null) {
                return;
            }
            if (rbioHighWater > BIO_SHRINK_THRESHOLD && LibCrypto.BIO_pending(rbio) == 0) {
                MemorySegment fresh = newReadBio();
                LibSsl.SSL_set0_rbio(ssl, fresh); // frees the grown one
                rbio = fresh;
                rbioHighWater = 0;
            }
            if (wbioHighWater > BIO_SHRINK_THRESHOLD && LibCrypto.BIO_pending(wbio) == 0) {
                MemorySegment fresh = LibCrypto.BIO_new(LibCrypto.BIO_s_mem());
                if (!fresh.equals(MemorySegment.NULL)) {
                    LibSsl.SSL_set0_wbio(ssl, fresh); // frees the grown one, now empty
                    wbio = fresh;
                    wbioHighWater = 0;
                }
            }
        } catch (IllegalStateException e) {
            // Out of memory for a new BIO: keep the old one.
        } finally {
            sslLock.unlock();
        }
    }

    /**
     * Encrypts and sends all of {@code buffer}; thread-safe; blocks until the connection took the bytes. The bytes
     * are copied into a pooled array first (BufferData does not expose its memory); up to an HTTP/2 frame of the
     * default size, that array is reused rather than allocated.
     */
    @Override
    public void write(BufferData buffer) {
        int total = buffer.available();
        if (total == 0) {
            return;
        }
        byte[] plain = total <= PLAIN_BUFFER_SIZE ? PLAIN_BUFFERS.poll() : null;
        boolean pooled = plain != null || total <= PLAIN_BUFFER_SIZE;
        if (plain == null) {
            plain = new byte[pooled ? PLAIN_BUFFER_SIZE : total];
        }
        try {
            buffer.read(plain, 0, total);
            write(plain, 0, total);
        } finally {
            if (pooled) {
                // write returns once every byte was sealed, so the array is free again; stale bytes are never read.
                PLAIN_BUFFERS.offer(plain);
            }
        }
    }

    /**
     * Encrypts and sends {@code length} bytes; thread-safe; blocks until the connection took them. The bytes reach
     * the peer as one unit: no other writer's bytes come between them.
     */
    public void write(byte[] data, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, data.length);
        write(data, offset, length, null, 0, 0);
    }

    /**
     * Like {@link #write(byte[], int, int)} of {@code head} followed by {@code body}, as one unit, but the head is
     * sealed with the body's first bytes, so a response head does not go out in a send of its own.
     */
    public void write(byte[] head, byte[] body) {
        write(head, 0, head.length, body, 0, body.length);
    }

    /**
     * Seals the first round of both ranges (see {@link Unsealed#sealRound}). When that was all, other writers'
     * records may ride along with it (group commit). Otherwise the rest is sealed round by round while the
     * connection takes the ciphertext ({@link #drainInto}), under {@code sealLock} until the last round is sealed so
     * that no other writer's records come between.
     */
    private void write(byte[] first, int firstOffset, int firstLength, byte[] second, int secondOffset,
                       int secondLength) {
        if ((long) firstLength + secondLength == 0) {
            return;
        }
        sealLock.lock();
        boolean sealing = true;
        try {
            long end;
            boolean more;
            sslLock.lock();
            try {
                ensureOpen();
                unsealed.set(first, firstOffset, firstLength, second, secondOffset, secondLength);
                boolean sealed = false;
                try {
                    unsealed.sealRound();
                    sealed = true;
                } finally {
                    more = sealed && unsealed.remaining > 0;
                    if (!more) {
                        unsealed.clear();
                    }
                }
                end = sealedEndUnderSslLock();
            } finally {
                sslLock.unlock();
            }
            if (!more) {
                sealing = false;
                sealLock.unlock(); // our records are all in the BIO, in one piece
            }
            try {
                if (end > 0 || more) {
                    sendQueued(end);
                }
            } finally {
                if (more) {
                    sslLock.lock();
                    try {
                        unsealed.clear(); // sent, or failed half way: the rest is never sealed
                    } finally {
                        sslLock.unlock();
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (sealing) {
                sealLock.unlock();
            }
        }
    }

    /** Sends close_notify when no writer is busy, closes the connection, and frees the {@code SSL*}. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (facts != null && connection.isOpen() && writeLock.tryLock()) {
            try {
                long seq = 0;
                sslLock.lock();
                try {
                    if (ssl != null) {
                        LibCrypto.ERR_clear_error();
                        LibSsl.SSL_shutdown(ssl);
                        LibCrypto.ERR_clear_error();
                        seq = sealedEndUnderSslLock();
                    }
                } finally {
                    sslLock.unlock();
                }
                if (seq > 0) {
                    sendQueued(seq); // the write lock is ours already (reentrant)
                }
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.TRACE, "close_notify not sent to {0}: {1}", remote(), e);
            } finally {
                writeLock.unlock();
            }
        }
        connection.close();
        sslLock.lock();
        try {
            if (ssl != null) {
                LibSsl.SSL_free(ssl);
                ssl = null;
            }
        } finally {
            sslLock.unlock();
        }
    }

    @Override
    public void idle() {
        // Nothing is buffered per idle period: BoringSSL's memory BIOs shrink as they drain.
    }

    @Override
    public boolean isConnected() {
        return !closed && connection.isOpen();
    }

    /** Deprecated in Helidon; delegates to {@link #get()}. */
    @Override
    public int read(BufferData buffer) {
        byte[] data = get();
        if (data == null) {
            return -1;
        }
        buffer.write(data);
        return data.length;
    }

    @Override
    public boolean protocolNegotiated() {
        return facts.alpn() != null;
    }

    /** The ALPN protocol ({@code h2} or {@code http/1.1}), or an empty string when none was negotiated. */
    @Override
    public String protocol() {
        return facts.alpn() == null ? "" : facts.alpn();
    }

    @Override
    public PeerInfo remotePeer() {
        return remotePeer;
    }

    @Override
    public PeerInfo localPeer() {
        return localPeer;
    }

    @Override
    public boolean isSecure() {
        return true;
    }

    @Override
    public String socketId() {
        return socketId;
    }

    @Override
    public String childSocketId() {
        return childSocketId;
    }

    /** Immutable peer description captured at accept time (it must outlive the connection for access logs). */
    record Peer(SocketAddress address, String host, int port, Optional<Principal> tlsPrincipal,
                Optional<Certificate[]> tlsCertificates, TlsFacts tlsFacts) implements TlsPeerInfo {
        static Peer of(SocketAddress address, Optional<Principal> principal, Optional<Certificate[]> chain,
                       TlsFacts facts) {
            if (address instanceof InetSocketAddress inet) {
                return new Peer(inet, inet.getHostString(), inet.getPort(), principal, chain, facts);
            }
            return new Peer(address, address == null ? "unknown" : address.toString(), -1, principal, chain, facts);
        }
    }
}
