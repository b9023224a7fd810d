package io.zeroserve.cli;

import io.zeroserve.ZeroServe;
import io.zeroserve.script.ScriptCompiler;
import io.zeroserve.script.ScriptLoadException;
import io.zeroserve.script.ScriptPack;
import io.zeroserve.site.SiteLoadException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/** The {@code zeroserve} command. Flags are zeroserve's; see {@link Flags} and {@code --help}. */
public final class Main {
    static final String VERSION = "0.1.0";

    private Main() {
    }

    public static void main(String[] args) {
        int status = run(args, System.out, System.err);
        if (status >= 0) {
            System.exit(status);
        }
        // status < 0: the server is running; main returns and non-daemon threads keep the JVM alive.
    }

    /**
     * Runs the command. Returns the exit status, or -1 when a server was started and is now running (it stops on
     * SIGTERM or SIGINT).
     */
    static int run(String[] args, PrintStream out, PrintStream err) {
        Flags flags;
        try {
            flags = Flags.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("zeroserve: " + e.getMessage());
            err.println("run 'zeroserve --help' for usage");
            return 2;
        }
        if (flags.help()) {
            out.print(Flags.USAGE);
            return 0;
        }
        if (flags.version()) {
            out.println("zeroserve " + VERSION + " (JVM)");
            return 0;
        }
        if (flags.manual()) {
            return printManual(out, err);
        }
        if (flags.dumpSdk()) {
            out.print(ScriptCompiler.sdkHeader());
            out.flush();
            return 0;
        }
        if (flags.pack() != null) {
            return pack(flags.pack(), out, err);
        }
        if (flags.tls().genEchKey()) {
            return generateEchKey(flags.tls().echPublicName(), out, err);
        }
        if (flags.site() == null) {
            err.println("zeroserve: no site given (usage: zeroserve [flags] site.tar; 'zeroserve --help' for more)");
            return 2;
        }
        return serve(flags, err);
    }

    private static int serve(Flags flags, PrintStream err) {
        ZeroServe server;
        try {
            server = flags.toBuilder().build().start();
        } catch (SiteLoadException e) {
            err.println("zeroserve: " + e.getMessage());
            return 1;
        } catch (UncheckedIOException | IllegalArgumentException e) {
            err.println("zeroserve: " + e.getMessage());
            return 1;
        }
        for (InetSocketAddress address : server.addresses()) {
            err.println("listening on http://" + hostPort(address) + " (transport " + server.transportName() + ")");
        }
        server.tls().ifPresent(tls -> {
            for (InetSocketAddress address : server.tlsAddresses()) {
                err.println("listening on https://" + hostPort(address) + " (transport " + server.transportName()
                        + ")");
            }
            err.println("TLS: " + tls.describe());
            tls.selfSignedCertificate().ifPresent(cert -> err.println("TLS: self-signed certificate for "
                    + String.join(", ", tls.settings().selfSignedNames()) + ", SHA-256 fingerprint "
                    + cert.fingerprintSha256()));
        });
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "zeroserve-shutdown"));
        Signals.onTerminate(server::close);
        Signals.onHangup(() -> {
            err.println("[reload] SIGHUP: reloading " + flags.site());
            report(server.reload(), flags.site(), err);
        });
        // Keep one non-daemon thread until shutdown, so the JVM stays up while serving.
        Thread.ofPlatform().name("zeroserve-main").start(() -> {
            try {
                stopped.await();
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        });
        return -1;
    }

    static void report(Optional<String> error, Path site, PrintStream err) {
        if (error.isPresent()) {
            err.println("[reload] failed, still serving the previous site: " + error.get());
        } else {
            err.println("[reload] now serving " + site);
        }
    }

    static String hostPort(InetSocketAddress address) {
        String host = address.getAddress() == null ? address.getHostString() : address.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    private static int pack(Path dir, PrintStream out, PrintStream err) {
        String epoch = System.getenv("SOURCE_DATE_EPOCH");
        try {
            Packer packer = new Packer(dir, epoch == null || epoch.isBlank() ? null : Long.parseLong(epoch.trim()));
            var entries = packer.entries();
            // Pack into memory first: a failure must not leave half a tar on stdout.
            var buffer = new java.io.ByteArrayOutputStream();
            packer.write(buffer, entries, compilingScripts(dir, err));
            OutputStream stdout = new BufferedOutputStream(out, 1 << 16);
            buffer.writeTo(stdout);
            stdout.flush();
            err.println("packed " + entries.size() + " entries from " + dir);
            return 0;
        } catch (ScriptCompileFailure e) {
            err.println("zeroserve: --pack " + dir + ": " + e.getMessage());
            err.println("zeroserve: no tar written");
            return 1;
        } catch (IOException | NumberFormatException e) {
            err.println("zeroserve: --pack " + dir + ": " + e.getMessage());
            return 1;
        }
    }

    /** A script that does not compile: the message carries clang's diagnostics. */
    static final class ScriptCompileFailure extends IOException {
        ScriptCompileFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * {@code --pack}'s file rule: {@code .zeroserve/scripts/**}{@code /*.c} is compiled and stored as {@code .o}
     * (the source is left out), a {@code .o} beside such a {@code .c} is skipped, the rest is stored verbatim.
     */
    static Packer.FileContents compilingScripts(Path dir, PrintStream err) {
        return (relative, file) -> {
            String tarPath = relative.toString().replace('\\', '/');
            switch (ScriptPack.classify(tarPath, p -> java.nio.file.Files.isRegularFile(dir.resolve(p)))) {
                case SKIP -> {
                    return null;
                }
                case COMPILE -> {
                    String object = ScriptPack.objectPath(tarPath);
                    err.println("compiling " + tarPath + " -> " + object);
                    try {
                        return new Packer.PackedFile(object,
                                ScriptPack.compile(tarPath, java.nio.file.Files.readAllBytes(file)));
                    } catch (ScriptLoadException e) {
                        throw new ScriptCompileFailure(e.getMessage(), e);
                    }
                }
                default -> {
                    return new Packer.PackedFile(tarPath, java.nio.file.Files.readAllBytes(file));
                }
            }
        };
    }

    /** {@code --gen-ech-key --ech-public-name NAME}: PEM bundle to stdout, base64 ECHConfigList to stderr. */
    private static int generateEchKey(String publicName, PrintStream out, PrintStream err) {
        io.zeroserve.tls.EchKeys.Generated generated;
        try {
            io.zeroserve.ffi.boringssl.BoringSsl.requireAvailable();
            generated = io.zeroserve.tls.EchKeys.generate(publicName);
        } catch (IllegalArgumentException | IllegalStateException e) {
            err.println("zeroserve: " + e.getMessage());
            return 1;
        }
        out.print(generated.pem());
        out.flush();
        err.println(generated.configListBase64());
        return 0;
    }

    private static int printManual(PrintStream out, PrintStream err) {
        try (InputStream manual = Main.class.getResourceAsStream("manual.md")) {
            if (manual == null) {
                err.println("zeroserve: the manual is missing from this build");
                return 1;
            }
            out.print(new String(manual.readAllBytes(), StandardCharsets.UTF_8));
            return 0;
        } catch (IOException e) {
            err.println("zeroserve: cannot read the manual: " + e.getMessage());
            return 1;
        }
    }
}
