package io.zeroserve.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zeroserve.TestSites;
import io.zeroserve.tls.CertificateBuilder;
import io.zeroserve.tls.EchKeys;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The HTTPS flags of the real command: the https start line, SIGHUP swapping certificates, --gen-ech-key. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TlsProcessTest {
    @TempDir
    Path dir;

    @Test
    void genEchKeyWritesPemToStdoutAndConfigListToStderr() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(new String[] {"--gen-ech-key", "--ech-public-name", "public.example"},
                new PrintStream(out, true), new PrintStream(err, true));
        assertEquals(0, status, err.toString());
        Path pem = Files.write(dir.resolve("ech.pem"), out.toByteArray());
        try (EchKeys keys = EchKeys.load(pem)) {
            assertEquals("public.example", keys.configs().getFirst().publicName());
            assertEquals(Base64.getEncoder().encodeToString(keys.configList()), err.toString().strip());
        }
        ByteArrayOutputStream err2 = new ByteArrayOutputStream();
        assertEquals(2, Main.run(new String[] {"--gen-ech-key"}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err2, true)));
        assertTrue(err2.toString().contains("--ech-public-name"), err2.toString());
    }

    @Test
    void badCertificateFlagsFailAtStartNamingTheFile() throws Exception {
        Path site = TestSites.create().file("v.txt", "one").writeTo(dir.resolve("site.tar"));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(new String[] {"--addr", "127.0.0.1:0", "--tls-addr", "127.0.0.1:0", "--cert",
                dir.resolve("missing.pem").toString(), "--key", dir.resolve("missing.key").toString(),
                site.toString()}, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true));
        assertEquals(1, status);
        assertTrue(err.toString().contains("missing.pem") && err.toString().contains("no such file"), err.toString());
    }

    @Test
    void httpsLineRealPortAndSighupSwapsCertificate() throws Exception {
        CertificateBuilder.Issued ca = CertificateBuilder.create().commonName("process test CA").ca(true).build();
        CertificateBuilder.Issued first = CertificateBuilder.create().names("localhost").issuer(ca).build();
        CertificateBuilder.Issued second = CertificateBuilder.create().names("localhost").issuer(ca).build();
        Path cert = Files.writeString(dir.resolve("cert.pem"), first.certificatePem());
        Path key = Files.writeString(dir.resolve("key.pem"), first.privateKeyPem());
        Path site = TestSites.create().file("v.txt", "one").writeTo(dir.resolve("site.tar"));
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process process = new ProcessBuilder(List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "--addr", "127.0.0.1:0",
                "--tls-addr", "127.0.0.1:0", "--cert", cert.toString(), "--key", key.toString(),
                "--transport", TestSites.transport(), site.toString()))
                .redirectErrorStream(true).start();
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                reader.lines().forEach(lines::add);
            } catch (Exception ignored) {
                // the process ended
            }
        });
        try {
            Pattern https = Pattern.compile("listening on https://127\\.0\\.0\\.1:(\\d+)");
            int port = -1;
            while (port < 0) {
                String line = lines.poll(60, TimeUnit.SECONDS);
                assertTrue(line != null, "no 'listening on https' line");
                Matcher m = https.matcher(line);
                if (m.find()) {
                    port = Integer.parseInt(m.group(1));
                }
            }
            assertTrue(port > 0);
            assertEquals(first.certificate(), peer(ca, port));

            Files.writeString(cert, second.certificatePem());
            Files.writeString(key, second.privateKeyPem());
            new ProcessBuilder("kill", "-HUP", Long.toString(process.pid())).start().waitFor();
            String line;
            do {
                line = lines.poll(60, TimeUnit.SECONDS);
                assertTrue(line != null, "no reload line");
            } while (!line.contains("[reload] now serving"));
            assertEquals(second.certificate(), peer(ca, port));

            process.destroy();
            assertTrue(process.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, process.exitValue());
        } finally {
            process.destroyForcibly();
        }
    }

    /** The certificate a fresh JDK client (trusting {@code ca}) is shown. */
    private static Certificate peer(CertificateBuilder.Issued ca, int port) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca.certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port));
            socket.startHandshake();
            return socket.getSession().getPeerCertificates()[0];
        }
    }
}
