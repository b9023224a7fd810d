package io.zeroserve.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zeroserve.TestSites;
import io.zeroserve.ZeroServe;
import io.zeroserve.script.ScriptCompiler;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What a request script sees of the TLS connection ({@code zs_connection_info}), over HTTP/2 with a client cert. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HttpsScriptFactsTest {
    @TempDir
    Path dir;

    @Test
    void connectionInfoCarriesAlpnSniJa4AndClientCertificate() throws Exception {
        Assumptions.assumeTrue(ScriptCompiler.available(), "clang is not installed");
        byte[] script = ScriptCompiler.compile("info.c", """
                #include "zeroserve.h"
                ZS_ENTRY zs_u64 e(void) {
                  zs_json_respond(200, zs_connection_info());
                  return 0;
                }
                """.getBytes(StandardCharsets.UTF_8));
        TestPki pki = new TestPki();
        Path certs = Files.createDirectories(dir.resolve("certs"));
        TestPki.writeCombined(certs.resolve("localhost.pem"), pki.leaf("localhost"));
        Path tar = TestSites.create().file(".zeroserve/scripts/10.o", script).writeTo(dir.resolve("site.tar"));
        CertificateBuilder.Issued client = pki.leaf("client.example");
        try (ZeroServe server = ZeroServe.builder().site(tar).address("127.0.0.1:0").tlsAddress("127.0.0.1:0")
                .tls(TlsSettings.builder().certificateDirectory(certs).requestClientCertificates(true).build())
                .transport(TestSites.transport()).requestLogging(false).build().start();
             HttpClient http = HttpClient.newBuilder().sslContext(pki.jdkContext(client)).build()) {
            int port = server.tlsAddresses().getFirst().getPort();
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                    URI.create("https://localhost:" + port + "/")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response.body());
            assertEquals(HttpClient.Version.HTTP_2, response.version());
            JsonObject info = Json.createReader(new StringReader(response.body())).readObject();
            assertTrue(info.getBoolean("tls"));
            assertTrue(info.getBoolean("tls_handshake_complete"));
            assertEquals("h2", info.getString("alpn"));
            assertEquals("localhost", info.getJsonObject("sni").getString("inner"));
            assertTrue(info.isNull("ech"), "no ECH keys loaded");
            assertTrue(info.getJsonObject("fingerprint").getString("ja4").startsWith("t13d"), response.body());
            JsonObject tlsClient = info.getJsonObject("tls_client");
            assertEquals(TlsFacts.fingerprintHex(client.certificate()),
                    tlsClient.getJsonObject("certificate").getString("fingerprint_sha256"));
            assertEquals(2, tlsClient.getJsonArray("chain_fingerprints_sha256").size());
        }
    }
}
