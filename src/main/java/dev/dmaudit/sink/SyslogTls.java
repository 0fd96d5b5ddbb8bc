package dev.dmaudit.sink;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The JDK TLS context of {@code --syslog tls://}: the collector's certificate is checked against
 * a PEM CA file (else the JDK's trust store), and a client certificate with its key (PEM, the key
 * unencrypted PKCS#8 {@code BEGIN PRIVATE KEY}: RSA, EC or Ed25519) is offered when given.
 */
public final class SyslogTls {
    /** A certificate or key file that cannot be read or used; the message names the file. */
    public static final class BadFileException extends IOException {
        private static final long serialVersionUID = 1L;

        BadFileException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private SyslogTls() {
    }

    /**
     * @param caFile   PEM CA certificates to trust, or null for the JDK's trust store
     * @param certFile PEM client certificate (chain), or null for none
     * @param keyFile  PEM PKCS#8 key of certFile; given exactly when certFile is
     * @return a TLS context
     * @throws BadFileException when a file cannot be read or holds no usable certificate or key
     */
    public static SSLContext context(Path caFile, Path certFile, Path keyFile) throws BadFileException {
        if ((certFile == null) != (keyFile == null)) {
            throw new IllegalArgumentException("a client certificate needs its key and a key its certificate");
        }
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (caFile == null) {
                tmf.init((KeyStore) null);
            } else {
                KeyStore trust = KeyStore.getInstance("PKCS12");
                trust.load(null, null);
                int i = 0;
                for (Certificate c : certificates(caFile)) {
                    trust.setCertificateEntry("ca" + i++, c);
                }
                tmf.init(trust);
            }
            KeyManagerFactory kmf = null;
            if (certFile != null) {
                Collection<? extends Certificate> chain = certificates(certFile);
                PrivateKey key = privateKey(keyFile);
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                char[] none = new char[0];
                try {
                    ks.setKeyEntry("client", key, none, chain.toArray(new Certificate[0]));
                } catch (GeneralSecurityException e) {
                    throw new BadFileException(keyFile + ": the key does not go with " + certFile + " (" + e.getMessage() + ")", e);
                }
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, none);
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException e) {
            if (e instanceof BadFileException b) {
                throw b;
            }
            throw new IllegalStateException("JDK TLS set-up failed: " + e.getMessage(), e); // an in-memory key store
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK TLS set-up failed: " + e.getMessage(), e);
        }
    }

    private static Collection<? extends Certificate> certificates(Path file) throws BadFileException {
        byte[] bytes = read(file);
        try {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(bytes));
            if (certs.isEmpty()) {
                throw new BadFileException(file + ": no PEM certificate in it", null);
            }
            return certs;
        } catch (GeneralSecurityException e) {
            throw new BadFileException(file + ": not a PEM certificate (" + e.getMessage() + ")", e);
        }
    }

    private static PrivateKey privateKey(Path file) throws BadFileException {
        String pem = new String(read(file), StandardCharsets.US_ASCII);
        String begin = "-----BEGIN PRIVATE KEY-----";
        int from = pem.indexOf(begin);
        int to = pem.indexOf("-----END PRIVATE KEY-----");
        if (from < 0 || to < from) {
            String hint = pem.contains("ENCRYPTED PRIVATE KEY") ? "an encrypted key; give it unencrypted"
                    : pem.contains("-----BEGIN") ? "not PKCS#8; convert it with openssl pkcs8 -topk8 -nocrypt"
                    : "no PEM key in it";
            throw new BadFileException(file + ": " + hint, null);
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(pem.substring(from + begin.length(), to));
        } catch (IllegalArgumentException e) {
            throw new BadFileException(file + ": the PEM key is not valid base64", e);
        }
        for (String alg : new String[] {"RSA", "EC", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new BadFileException(file + ": not an RSA, EC or Ed25519 PKCS#8 key", null);
    }

    private static byte[] read(Path file) throws BadFileException {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            String why = e instanceof java.nio.file.NoSuchFileException ? "no such file"
                    : e instanceof java.nio.file.AccessDeniedException ? "permission denied" : String.valueOf(e.getMessage());
            throw new BadFileException(file + ": cannot read it (" + why + ")", e);
        }
    }
}
