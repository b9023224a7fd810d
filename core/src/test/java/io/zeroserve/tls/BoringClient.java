package io.zeroserve.tls;

import io.zeroserve.ffi.boringssl.BoringSsl;
import io.zeroserve.ffi.boringssl.LibCrypto;
import io.zeroserve.ffi.boringssl.LibSsl;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A BoringSSL TLS client driven from the test through FFM, for what JDK clients cannot do: ECH, and inspecting
 * resumption and retry configs. Blocking, single-threaded, memory BIOs like the server.
 */
final class BoringClient implements AutoCloseable {
    /** Sessions delivered by the new-session callback (after the handshake, during reads), by SSL* address. */
    private static final ConcurrentHashMap<Long, MemorySegment> SESSIONS = new ConcurrentHashMap<>();
    private static final MemorySegment NEW_SESSION_CB = BoringSsl.upcallStub(MethodHandles.lookup(),
            BoringClient.class, "onNewSession", LibSsl.NEW_SESSION_CB, Arena.global());

    private final Arena arena = Arena.ofConfined();
    private final SocketChannel channel;
    private final MemorySegment ctx;
    private final MemorySegment ssl;
    private final MemorySegment rbio;
    private final MemorySegment wbio;
    private final MemorySegment buffer;

    /** Bytes sent in the same write as the ClientHello (a PROXY header), or null. */
    byte[] prefix;

    /** Error text and reason code of a failed handshake. */
    String failure;
    int failureReason;

    static int onNewSession(MemorySegment ssl, MemorySegment session) {
        MemorySegment old = SESSIONS.put(ssl.address(), session);
        if (old != null) {
            LibSsl.SSL_SESSION_free(old);
        }
        return 1; // we keep the reference
    }

    /**
     * @param serverName SNI to send, or null
     * @param alpn       protocols to offer (may be empty)
     * @param echConfigs ECHConfigList to use, or null
     * @param session    a session from an earlier connection to resume, or null
     */
    BoringClient(int port, String serverName, List<String> alpn, byte[] echConfigs, MemorySegment session)
            throws IOException {
        channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
        ctx = LibSsl.SSL_CTX_new(LibSsl.TLS_method());
        LibSsl.SSL_CTX_set_session_cache_mode(ctx, LibSsl.SSL_SESS_CACHE_CLIENT);
        LibSsl.SSL_CTX_sess_set_new_cb(ctx, NEW_SESSION_CB);
        ssl = LibSsl.SSL_new(ctx);
        rbio = LibCrypto.BIO_new(LibCrypto.BIO_s_mem());
        wbio = LibCrypto.BIO_new(LibCrypto.BIO_s_mem());
        LibCrypto.BIO_set_mem_eof_return(rbio, -1);
        LibSsl.SSL_set_bio(ssl, rbio, wbio);
        LibSsl.SSL_set_connect_state(ssl);
        buffer = arena.allocate(16384);
        if (serverName != null) {
            LibSsl.SSL_set_tlsext_host_name(ssl, arena.allocateFrom(serverName));
        }
        if (!alpn.isEmpty()) {
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            for (String p : alpn) {
                wire.write(p.length());
                wire.writeBytes(p.getBytes(StandardCharsets.US_ASCII));
            }
            byte[] w = wire.toByteArray();
            LibSsl.SSL_set_alpn_protos(ssl, arena.allocateFrom(ValueLayout.JAVA_BYTE, w), w.length);
        }
        if (echConfigs != null && LibSsl.SSL_set1_ech_config_list(ssl,
                arena.allocateFrom(ValueLayout.JAVA_BYTE, echConfigs), echConfigs.length) != 1) {
            throw new IllegalStateException("SSL_set1_ech_config_list: " + BoringSsl.drainErrors());
        }
        if (session != null) {
            LibSsl.SSL_set_session(ssl, session);
        }
    }

    /** Runs the handshake; false (with {@link #failure} set) if the client or server refused it. */
    boolean handshake() throws IOException {
        while (true) {
            LibCrypto.ERR_clear_error();
            int ret = LibSsl.SSL_do_handshake(ssl);
            int err = ret == 1 ? 0 : LibSsl.SSL_get_error(ssl, ret);
            if (err == LibSsl.SSL_ERROR_SSL) {
                failureReason = BoringSsl.errorReason(LibCrypto.ERR_peek_last_error());
                failure = BoringSsl.drainErrors();
            }
            flush();
            if (ret == 1) {
                return true;
            }
            if (err != LibSsl.SSL_ERROR_WANT_READ) {
                if (failure == null) {
                    failure = "SSL_get_error=" + err;
                }
                return false;
            }
            if (!receive()) {
                failure = "server closed the connection";
                return false;
            }
        }
    }

    private void flush() throws IOException {
        long pending = LibCrypto.BIO_pending(wbio);
        if (pending > 0) {
            byte[] out = new byte[(int) pending];
            LibCrypto.BIO_read_critical(wbio, MemorySegment.ofArray(out), out.length);
            if (prefix != null) {
                byte[] joined = new byte[prefix.length + out.length];
                System.arraycopy(prefix, 0, joined, 0, prefix.length);
                System.arraycopy(out, 0, joined, prefix.length, out.length);
                out = joined;
                prefix = null;
            }
            ByteBuffer b = ByteBuffer.wrap(out);
            while (b.hasRemaining()) {
                channel.write(b);
            }
        }
    }

    private boolean receive() throws IOException {
        ByteBuffer in = ByteBuffer.allocate(16384);
        int n = channel.read(in);
        if (n < 0) {
            return false;
        }
        LibCrypto.BIO_write_critical(rbio, MemorySegment.ofArray(in.array()), n);
        return true;
    }

    /** Sends a GET and reads the whole response (our test server answers with facts). */
    String get(String host) throws IOException {
        return get(host, "/");
    }

    /** The status code of {@code GET path} with {@code Host: host}. */
    String status(String host, String path) throws IOException {
        exchange(host, path);
        return lastStatus;
    }

    /** Sends {@code GET path} with {@code Host: host} and returns the body. */
    String get(String host, String path) throws IOException {
        return exchange(host, path);
    }

    private String lastStatus;

    private String exchange(String host, String path) throws IOException {
        byte[] req = ("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        MemorySegment r = arena.allocateFrom(ValueLayout.JAVA_BYTE, req);
        if (LibSsl.SSL_write(ssl, r, req.length) != req.length) {
            throw new IOException("SSL_write: " + BoringSsl.drainErrors());
        }
        flush();
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        while (true) {
            int n = LibSsl.SSL_read(ssl, buffer, (int) buffer.byteSize());
            if (n > 0) {
                response.writeBytes(buffer.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE));
                String text = response.toString(StandardCharsets.UTF_8);
                int headEnd = text.indexOf("\r\n\r\n");
                if (headEnd > 0) {
                    lastStatus = text.substring(9, 12);
                    int cl = text.toLowerCase(java.util.Locale.ROOT).indexOf("content-length: ");
                    int length = Integer.parseInt(text.substring(cl + 16, text.indexOf("\r\n", cl)));
                    if (text.length() >= headEnd + 4 + length) {
                        return text.substring(headEnd + 4, headEnd + 4 + length);
                    }
                }
                continue;
            }
            int err = LibSsl.SSL_get_error(ssl, n);
            flush();
            if (err == LibSsl.SSL_ERROR_WANT_READ) {
                if (!receive()) {
                    throw new IOException("server closed before the response ended");
                }
            } else {
                throw new IOException("SSL_read: " + err + " " + BoringSsl.drainErrors());
            }
        }
    }

    /** Sends {@code data} as application data. */
    void write(byte[] data) throws IOException {
        MemorySegment r = arena.allocateFrom(ValueLayout.JAVA_BYTE, data);
        if (LibSsl.SSL_write(ssl, r, data.length) != data.length) {
            throw new IOException("SSL_write: " + BoringSsl.drainErrors());
        }
        flush();
    }

    /** Reads application data until {@code count} bytes arrived, or the stream ended. */
    byte[] read(int count) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (out.size() < count) {
            int n = LibSsl.SSL_read(ssl, buffer, (int) Math.min(buffer.byteSize(), count - out.size()));
            if (n > 0) {
                out.writeBytes(buffer.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE));
                continue;
            }
            int err = LibSsl.SSL_get_error(ssl, n);
            flush();
            if (err == LibSsl.SSL_ERROR_WANT_READ) {
                if (!receive()) {
                    break;
                }
            } else if (err == LibSsl.SSL_ERROR_ZERO_RETURN) {
                break;
            } else {
                throw new IOException("SSL_read: " + err + " " + BoringSsl.drainErrors());
            }
        }
        return out.toByteArray();
    }

    String alpn() {
        MemorySegment data = arena.allocate(ValueLayout.ADDRESS);
        MemorySegment len = arena.allocate(ValueLayout.JAVA_INT);
        LibSsl.SSL_get0_alpn_selected(ssl, data, len);
        int n = len.get(ValueLayout.JAVA_INT, 0);
        return n == 0 ? null : new String(data.get(ValueLayout.ADDRESS, 0).reinterpret(n)
                .toArray(ValueLayout.JAVA_BYTE), StandardCharsets.US_ASCII);
    }

    boolean echAccepted() {
        return LibSsl.SSL_ech_accepted(ssl) == 1;
    }

    boolean resumed() {
        return LibSsl.SSL_session_reused(ssl) == 1;
    }

    byte[] retryConfigs() {
        MemorySegment data = arena.allocate(ValueLayout.ADDRESS);
        MemorySegment len = arena.allocate(ValueLayout.JAVA_LONG);
        LibSsl.SSL_get0_ech_retry_configs(ssl, data, len);
        long n = len.get(ValueLayout.JAVA_LONG, 0);
        return n == 0 ? new byte[0] : data.get(ValueLayout.ADDRESS, 0).reinterpret(n).toArray(ValueLayout.JAVA_BYTE);
    }

    /** The newest session ticket the server sent on this connection (caller frees), or null. */
    MemorySegment takeSession() {
        return SESSIONS.remove(ssl.address());
    }

    /** Drops the TCP connection with a reset ({@code SO_LINGER} 0), without close_notify; {@link #close()} after. */
    void reset() throws IOException {
        channel.setOption(java.net.StandardSocketOptions.SO_LINGER, 0);
        channel.close();
    }

    @Override
    public void close() throws IOException {
        MemorySegment leftover = SESSIONS.remove(ssl.address());
        if (leftover != null) {
            LibSsl.SSL_SESSION_free(leftover);
        }
        LibSsl.SSL_free(ssl);
        LibSsl.SSL_CTX_free(ctx);
        arena.close();
        channel.close();
    }
}
