package io.zeroserve.perf.harness;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One running server process (or one that failed to start, with the reason). Several table columns may share an
 * instance: nginx serves every static scenario from one process.
 */
final class Instance {
    // Not anchored: a server may prefix its log lines (time, level).
    private static final Pattern LISTENING = Pattern.compile("listening on (https?)://([0-9.]+):(\\d+)");

    final String name;
    final Path log;
    private Process process;
    private URI https;
    private URI http;
    private String failure;
    private String note;

    Instance(String name, Path log) {
        this.name = name;
        this.log = log;
    }

    static Instance failed(String name, Path log, String reason) {
        Instance i = new Instance(name, log);
        i.failure = reason;
        return i;
    }

    void attach(Process p) {
        this.process = p;
    }

    /** Base URL of the TLS listener, or null when this instance has none. */
    URI https() {
        return https;
    }

    /** Base URL of the plaintext listener, or null when this instance has none. */
    URI http() {
        return http;
    }

    /** Why the instance is not serving, or null when it is. */
    String failure() {
        return failure;
    }

    /** Something worth telling in the cells this instance serves (a capability it started without), or null. */
    String note() {
        return note;
    }

    void note(String text) {
        this.note = text;
    }

    void fail(String reason) {
        this.failure = reason;
        stop();
    }

    void resetAddresses() {
        https = null;
        http = null;
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    /** CPU time of this server's process tree so far, in microseconds. */
    long cpuMicros() {
        return alive() ? Processes.treeCpuMicros(process.pid()) : 0;
    }

    /** Waits until every given port accepts TCP connections (servers whose ports the harness chose). */
    void awaitPorts(long timeoutMillis, Integer httpsPort, Integer httpPort) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        for (Integer port : new Integer[] {httpsPort, httpPort}) {
            if (port == null) {
                continue;
            }
            while (!connects(port)) {
                if (!alive()) {
                    throw new IOException(name + " exited with status " + process.exitValue() + ": " + tail());
                }
                if (System.currentTimeMillis() > deadline) {
                    throw new IOException(name + " did not listen on 127.0.0.1:" + port + " within "
                            + timeoutMillis / 1000 + " s: " + tail());
                }
                Thread.sleep(50);
            }
        }
        https = httpsPort == null ? null : URI.create("https://127.0.0.1:" + httpsPort);
        http = httpPort == null ? null : URI.create("http://127.0.0.1:" + httpPort);
    }

    /**
     * Waits for the {@code listening on http(s)://ADDR} lines that zeroserve and the Helidon app print. Returns once
     * both the plaintext and the TLS lines were seen, or once only the plaintext line was seen and no TLS line
     * followed within {@code tlsGraceMillis}. Throws when the process exits first or the time runs out.
     */
    void awaitListeningLines(long timeoutMillis, boolean expectTls, long tlsGraceMillis)
            throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        long httpSeenAt = -1;
        while (true) {
            String text = Files.exists(log) ? Files.readString(log) : "";
            Matcher m = LISTENING.matcher(text);
            while (m.find()) {
                URI u = URI.create(m.group(1) + "://" + m.group(2) + ":" + m.group(3));
                if (m.group(1).equals("https")) {
                    https = u;
                } else {
                    http = u;
                }
            }
            if (http != null && httpSeenAt < 0) {
                httpSeenAt = System.currentTimeMillis();
            }
            if (http != null && (https != null || !expectTls
                    || System.currentTimeMillis() - httpSeenAt > tlsGraceMillis)) {
                return;
            }
            if (!alive()) {
                throw new IOException(name + " exited with status " + process.exitValue() + ": " + tail());
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IOException(name + " printed no 'listening on' line within " + timeoutMillis / 1000
                        + " s: " + tail());
            }
            Thread.sleep(100);
        }
    }

    /** The last meaningful line of the server's log, for error messages. */
    String tail() {
        try {
            if (!Files.exists(log)) {
                return "(no output)";
            }
            String[] lines = Files.readString(log).strip().split("\n");
            for (int i = lines.length - 1; i >= 0; i--) {
                String l = lines[i].strip();
                if (!l.isEmpty() && !l.startsWith("at ") && !l.startsWith("...")) {
                    return l.length() > 300 ? l.substring(0, 300) + "..." : l;
                }
            }
            return "(no output)";
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    void stop() {
        if (process != null) {
            Processes.stop(process);
        }
    }

    private static boolean connects(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
