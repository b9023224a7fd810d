package io.zeroserve.proxy;

import javax.net.ServerSocketFactory;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small HTTP/1.1 upstream on an ephemeral loopback port, written on raw sockets so that tests see exactly what
 * the proxy sent (request line, every field, the body and its framing, which connection carried it) and can
 * answer in any framing. Paths choose the answer:
 * <ul>
 *   <li>{@code /big} : {@link #BIG} bytes, chunked; {@code /big-length}: the same with Content-Length;</li>
 *   <li>{@code /close}: a small answer with {@code Connection: close}, then the connection closes;</li>
 *   <li>{@code /hop}: an answer carrying hop-by-hop fields the proxy must drop;</li>
 *   <li>{@code /interim}: a 100 Continue and a 103 before the 200;</li>
 *   <li>{@code /ws} with {@code Upgrade: websocket}: 101, then every byte echoed until the proxy closes;</li>
 *   <li>{@code /stall}: never answers;</li>
 *   <li>{@code /two-lengths}: two Content-Length fields that disagree;</li>
 *   <li>{@code /no-content}: 204; anything else: 200 {@code upstream ok}, Content-Length.</li>
 * </ul>
 */
public final class TestUpstream implements AutoCloseable {
    /** One request as the upstream received it. Field names lowercase. */
    public record Received(int connection, String method, String target, List<Map.Entry<String, String>> fields,
                    byte[] body, String framing) {
        public String field(String name) {
            String value = null;
            for (Map.Entry<String, String> f : fields) {
                if (f.getKey().equals(name)) {
                    value = f.getValue();
                }
            }
            return value;
        }

        public boolean has(String name) {
            return field(name) != null;
        }
    }

    public static final int BIG_SIZE = 3 * 1024 * 1024 + 123;
    public static final byte[] BIG = new byte[BIG_SIZE];

    static {
        for (int i = 0; i < BIG.length; i++) {
            BIG[i] = (byte) (i * 7 + (i >>> 13));
        }
    }

    /** The TCP listener, or null when listening on a Unix domain socket. */
    private final ServerSocket server;
    private final ServerSocketChannel unixServer;
    private final Thread acceptor;
    private final AtomicInteger connections = new AtomicInteger();
    private final LinkedBlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private final List<Closeable> open = new ArrayList<>();

    public TestUpstream() throws IOException {
        this(ServerSocketFactory.getDefault());
    }

    public TestUpstream(ServerSocketFactory factory) throws IOException {
        server = factory.createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        unixServer = null;
        acceptor = Thread.ofVirtual().start(this::acceptLoop);
    }

    /** Listening on a Unix domain socket at {@code path}. */
    public TestUpstream(Path path) throws IOException {
        server = null;
        unixServer = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        unixServer.bind(UnixDomainSocketAddress.of(path));
        acceptor = Thread.ofVirtual().start(this::acceptUnixLoop);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    /** The next request received, waiting for it (the proxy has sent it before the client got its answer). */
    public Received take() throws InterruptedException {
        Received r = received.poll(20, TimeUnit.SECONDS);
        if (r == null) {
            throw new AssertionError("the upstream received no request");
        }
        return r;
    }

    /** True when no request is waiting to be taken. */
    public boolean nothingReceived() {
        return received.isEmpty();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                int id = connections.incrementAndGet();
                synchronized (open) {
                    open.add(s);
                }
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                Thread.ofVirtual().start(() -> serve(s, in, out, id));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void acceptUnixLoop() {
        while (unixServer.isOpen()) {
            try {
                SocketChannel c = unixServer.accept();
                int id = connections.incrementAndGet();
                synchronized (open) {
                    open.add(c);
                }
                Thread.ofVirtual().start(() -> serve(c, Channels.newInputStream(c), Channels.newOutputStream(c), id));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Closeable connection, InputStream socketIn, OutputStream out, int id) {
        try (connection) {
            InputStream in = new BufferedInputStream(socketIn);
            while (true) {
                String requestLine = line(in);
                if (requestLine == null) {
                    return;
                }
                String[] parts = requestLine.split(" ");
                List<Map.Entry<String, String>> fields = new ArrayList<>();
                String l;
                while (!(l = line(in)).isEmpty()) {
                    int colon = l.indexOf(':');
                    fields.add(Map.entry(l.substring(0, colon).toLowerCase(Locale.ROOT),
                            l.substring(colon + 1).strip()));
                }
                Received r = new Received(id, parts[0], parts[1], fields, null, null);
                byte[] body;
                String framing;
                if ("chunked".equals(r.field("transfer-encoding"))) {
                    body = readChunked(in);
                    framing = "chunked";
                } else if (r.has("content-length")) {
                    body = in.readNBytes(Integer.parseInt(r.field("content-length")));
                    framing = "length";
                } else {
                    body = new byte[0];
                    framing = "none";
                }
                received.add(new Received(id, parts[0], parts[1], fields, body, framing));
                if (r.target().split("\\?")[0].endsWith("/ws") && "websocket".equals(r.field("upgrade"))) {
                    out.write(ascii("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                            + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n"));
                    out.flush();
                    echo(in, out);
                    return;
                }
                if (r.target().endsWith("/stall")) {
                    while (in.read() >= 0) {
                        // never answers; waits for the proxy to give up and close
                    }
                    return;
                }
                if (!answer(r, out)) {
                    return;
                }
            }
        } catch (IOException e) {
            // The proxy closed the connection.
        }
    }

    /** Writes the answer; false when the connection closes after it. */
    private static boolean answer(Received r, OutputStream out) throws IOException {
        String path = r.target().contains("?") ? r.target().substring(0, r.target().indexOf('?')) : r.target();
        boolean head = r.method().equals("HEAD");
        if (path.endsWith("/big")) {
            out.write(ascii("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n"));
            if (!head) {
                for (int off = 0; off < BIG.length; ) {
                    int n = Math.min(BIG.length - off, 10_000 + off % 7_000);
                    out.write(ascii(Integer.toHexString(n) + "\r\n"));
                    out.write(BIG, off, n);
                    out.write(ascii("\r\n"));
                    off += n;
                }
                out.write(ascii("0\r\nX-Trailer: t\r\n\r\n"));
            }
        } else if (path.endsWith("/big-length")) {
            out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: " + BIG.length + "\r\n\r\n"));
            if (!head) {
                out.write(BIG);
            }
        } else if (path.endsWith("/close")) {
            out.write(ascii("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 6\r\n\r\nclosed"));
            out.flush();
            return false;
        } else if (path.endsWith("/hop")) {
            out.write(ascii("HTTP/1.1 200 OK\r\nConnection: X-Up-Secret\r\nX-Up-Secret: s\r\nKeep-Alive: timeout=5\r\n"
                    + "Alt-Svc: h3=\":443\"\r\nTrailer: X-T\r\nProxy-Authenticate: Basic\r\nUpgrade: foo\r\n"
                    + "Set-Cookie: a=1\r\nSet-Cookie: b=2\r\nX-Kept: yes\r\nContent-Length: 3\r\n\r\nhop"));
        } else if (path.endsWith("/interim")) {
            out.write(ascii("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n"
                    + "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfinal"));
        } else if (path.endsWith("/two-lengths")) {
            out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 5\r\n\r\nabcde"));
        } else if (path.endsWith("/no-content")) {
            out.write(ascii("HTTP/1.1 204 No Content\r\nX-Kept: yes\r\n\r\n"));
        } else {
            out.write(ascii("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Upstream: test\r\n"
                    + "Content-Length: 11\r\n\r\n"
                    + (head ? "" : "upstream ok")));
        }
        out.flush();
        return true;
    }

    /** After a 101: every byte back as it comes, until the other side ends. */
    private static void echo(InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[4096];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            out.write(buffer, 0, n);
            out.flush();
        }
    }

    private static byte[] readChunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            int size = Integer.parseInt(line(in).split(";")[0].strip(), 16);
            if (size == 0) {
                while (!line(in).isEmpty()) {
                    // trailers
                }
                return body.toByteArray();
            }
            body.write(in.readNBytes(size));
            line(in);
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Closes every connection the upstream holds (as an upstream restarting or timing out idle ones would). */
    public void dropConnections() throws IOException {
        synchronized (open) {
            for (Closeable c : open) {
                c.close();
            }
            open.clear();
        }
    }

    @Override
    public void close() throws IOException {
        if (server != null) {
            server.close();
        } else {
            unixServer.close();
        }
        dropConnections();
        acceptor.interrupt();
    }
}
