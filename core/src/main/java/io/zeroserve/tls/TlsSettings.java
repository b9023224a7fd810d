package io.zeroserve.tls;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Where the TLS material comes from, as given by zeroserve's flags. Immutable; build with {@link #builder()}.
 *
 * <ul>
 *   <li>{@code --cert FILE --key FILE}: one PEM chain (leaf first) and its key; or</li>
 *   <li>{@code --cert-dir DIR}: every regular file in DIR (dot-files skipped), keys matched to certificates by
 *       public key; or</li>
 *   <li>neither: a self-signed certificate for {@link #selfSignedNames()}, kept under {@code --state-dir} when
 *       given so that restarts reuse it.</li>
 *   <li>{@code --ech-key FILE|DIR}: optional ECH keys.</li>
 * </ul>
 *
 * @param certFile                  {@code --cert}, or null
 * @param keyFile                   {@code --key}, or null
 * @param certDir                   {@code --cert-dir}, or null
 * @param echKeys                   {@code --ech-key}, or null
 * @param stateDir                  {@code --state-dir}, or null (self-signed certificate kept in memory only)
 * @param selfSignedNames           SANs of the zero-config certificate; default localhost, 127.0.0.1, ::1 and the
 *                                  host name
 * @param alpn                      protocols the server accepts, in preference order; default h2, http/1.1
 * @param requestClientCertificates ask clients for a certificate (optional, not verified: scripts judge it);
 *                                  default false
 * @param handshakeTimeout          a client that has not finished its handshake by then is dropped; default 10 s
 */
public record TlsSettings(Path certFile, Path keyFile, Path certDir, Path echKeys, Path stateDir,
                          List<String> selfSignedNames, List<String> alpn, boolean requestClientCertificates,
                          Duration handshakeTimeout) {

    public TlsSettings {
        selfSignedNames = List.copyOf(selfSignedNames);
        alpn = List.copyOf(alpn);
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        if ((certFile == null) != (keyFile == null)) {
            throw new IllegalArgumentException(certFile == null ? "--key needs --cert" : "--cert needs --key");
        }
        if (certDir != null && certFile != null) {
            throw new IllegalArgumentException("--cert-dir cannot be combined with --cert/--key");
        }
        if (alpn.isEmpty()) {
            throw new IllegalArgumentException("at least one ALPN protocol is needed");
        }
    }

    /** True when neither --cert nor --cert-dir was given: the server makes its own certificate. */
    public boolean selfSigned() {
        return certFile == null && certDir == null;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder; every option's default is stated on its setter. */
    public static final class Builder {
        private Path certFile;
        private Path keyFile;
        private Path certDir;
        private Path echKeys;
        private Path stateDir;
        /** Null until set: the default needs the host name, looked up only when a self-signed one is made. */
        private List<String> selfSignedNames;
        private List<String> alpn = List.of("h2", "http/1.1");
        private boolean requestClientCertificates;
        private Duration handshakeTimeout = Duration.ofSeconds(10);

        private Builder() {
        }

        /** {@code --cert} and {@code --key}; default none. */
        public Builder certificate(Path chain, Path key) {
            certFile = chain;
            keyFile = key;
            return this;
        }

        /** {@code --cert-dir}; default none. */
        public Builder certificateDirectory(Path dir) {
            certDir = dir;
            return this;
        }

        /** {@code --ech-key}, a file or a directory; default none (no ECH). */
        public Builder echKeys(Path fileOrDir) {
            echKeys = fileOrDir;
            return this;
        }

        /** {@code --state-dir}; default none. */
        public Builder stateDirectory(Path dir) {
            stateDir = dir;
            return this;
        }

        /** Names for the zero-config certificate; default localhost, 127.0.0.1, ::1 and this host's name. */
        public Builder selfSignedNames(List<String> names) {
            selfSignedNames = names;
            return this;
        }

        /** ALPN protocols in preference order; default {@code h2, http/1.1}. */
        public Builder alpn(List<String> protocols) {
            alpn = protocols;
            return this;
        }

        /** Ask for (but do not require or verify) client certificates; default false. */
        public Builder requestClientCertificates(boolean value) {
            requestClientCertificates = value;
            return this;
        }

        /** Default 10 seconds. */
        public Builder handshakeTimeout(Duration value) {
            handshakeTimeout = value;
            return this;
        }

        /** @throws IllegalArgumentException for contradictory flags, with a message naming them */
        public TlsSettings build() {
            List<String> names = selfSignedNames;
            if (names == null) {
                names = certFile == null && certDir == null ? SelfSignedCertificate.defaultNames() : List.of();
            }
            return new TlsSettings(certFile, keyFile, certDir, echKeys, stateDir, names, alpn,
                    requestClientCertificates, handshakeTimeout);
        }
    }
}
