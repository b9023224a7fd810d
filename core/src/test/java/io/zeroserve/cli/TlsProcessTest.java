package io.zeroserve.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zeroserve.TestSites;
import io.zeroserve.tls.CertificateBuilder;
import io.zeroserve.tls.EchKeys;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
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
    void certificateFlagsWithoutTlsAddrAreAUsageError() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(2, Main.run(new String[] {"--cert", "c.pem", "--key", "k.pem", "site.tar"},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true)));
        assertTrue(err.toString().contains("need --tls-addr"), err.toString());
        ByteArrayOutputStream err2 = new ByteArrayOutputStream();
        assertEquals(2, Main.run(new String[] {"--tls-addr", "127.0.0.1:0", "--cert", "c.pem", "site.tar"},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err2, true)));
        assertTrue(err2.toString().contains("--cert needs --key"), err2.toString());
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
        try (ServerProcess server = ServerProcess.start("--addr", "127.0.0.1:0", "--tls-addr", "127.0.0.1:0",
                "--cert", cert.toString(), "--key", key.toString(), site.toString())) {
            int port = server.awaitPort("https");
            assertEquals(first.certificate(), peer(ca, port));

            Files.writeString(cert, second.certificatePem());
            Files.writeString(key, second.privateKeyPem());
            server.reload();
            assertEquals(second.certificate(), peer(ca, port));

            assertEquals(0, server.stop());
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
