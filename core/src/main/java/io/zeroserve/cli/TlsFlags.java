package io.zeroserve.cli;

import io.zeroserve.ZeroServe;
import io.zeroserve.net.ListenAddress;
import io.zeroserve.tls.TlsSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * zeroserve's HTTPS flags: {@code --tls-addr}, {@code --cert}/{@code --key}, {@code --cert-dir},
 * {@code --ech-key}, {@code --state-dir}, and the {@code --gen-ech-key --ech-public-name} command.
 */
record TlsFlags(List<String> addresses, Path cert, Path key, Path certDir, Path echKey, Path stateDir,
                boolean genEchKey, String echPublicName) {

    static final String USAGE = """
              --tls-addr ADDR             also serve HTTPS on ADDR (HOST:PORT, [V6]:PORT or fd:N); repeatable.
                                          TLS 1.3 only, ALPN h2 and http/1.1
              --cert FILE --key FILE      certificate chain (PEM, leaf first) and its private key
              --cert-dir DIR              every certificate and key in DIR; SNI picks the first valid certificate
                                          (by file name) whose DNS name matches, else the first valid one
                                          (without --cert/--cert-dir: a self-signed certificate for localhost)
              --state-dir DIR             keep the self-signed certificate in DIR across restarts
              --ech-key FILE|DIR          Encrypted Client Hello keys (made with --gen-ech-key); a directory is
                                          read in file-name order; add a file and send SIGHUP to rotate
              --gen-ech-key --ech-public-name NAME
                                          make an ECH key: PEM bundle to stdout, ECHConfigList (base64, for the
                                          HTTPS DNS record) to stderr
            """;

    /** Builder for {@link Flags#parse}: collects the values while the flag loop runs. */
    static final class Parser {
        private final List<String> addresses = new ArrayList<>();
        private Path cert;
        private Path key;
        private Path certDir;
        private Path echKey;
        private Path stateDir;
        private boolean genEchKey;
        private String echPublicName;

        /**
         * Takes {@code flag} if it is a TLS flag.
         *
         * @param value the flag's value, or null for a switch
         * @return false if {@code flag} is not a TLS flag
         */
        boolean accept(String flag, java.util.function.Supplier<String> value) {
            switch (flag) {
                case "--tls-addr" -> {
                    String address = value.get();
                    ListenAddress.parse(address);
                    addresses.add(address);
                }
                case "--cert" -> cert = Path.of(value.get());
                case "--key" -> key = Path.of(value.get());
                case "--cert-dir" -> certDir = Path.of(value.get());
                case "--ech-key" -> echKey = Path.of(value.get());
                case "--state-dir" -> stateDir = Path.of(value.get());
                case "--gen-ech-key" -> genEchKey = true;
                case "--ech-public-name" -> echPublicName = value.get();
                default -> {
                    return false;
                }
            }
            return true;
        }

        TlsFlags build() {
            if ((cert == null) != (key == null)) {
                throw new IllegalArgumentException(cert == null ? "--key needs --cert" : "--cert needs --key");
            }
            if (certDir != null && cert != null) {
                throw new IllegalArgumentException("--cert-dir cannot be combined with --cert/--key");
            }
            if (echPublicName != null && !genEchKey) {
                throw new IllegalArgumentException("--ech-public-name is only used with --gen-ech-key");
            }
            if (genEchKey && echPublicName == null) {
                throw new IllegalArgumentException("--gen-ech-key needs --ech-public-name NAME");
            }
            return new TlsFlags(List.copyOf(addresses), cert, key, certDir, echKey, stateDir, genEchKey,
                    echPublicName);
        }
    }

    /** Applies the HTTPS listeners and material to {@code builder}. */
    void apply(ZeroServe.Builder builder) {
        if (addresses.isEmpty()) {
            if (cert != null || certDir != null || echKey != null) {
                throw new IllegalArgumentException("--cert, --cert-dir and --ech-key need --tls-addr");
            }
            return;
        }
        addresses.forEach(builder::tlsAddress);
        TlsSettings.Builder tls = TlsSettings.builder();
        if (cert != null) {
            tls.certificate(cert, key);
        }
        if (certDir != null) {
            tls.certificateDirectory(certDir);
        }
        if (echKey != null) {
            tls.echKeys(echKey);
        }
        if (stateDir != null) {
            tls.stateDirectory(stateDir);
        }
        builder.tls(tls.build());
    }
}
