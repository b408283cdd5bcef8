package io.vmssrunnerscaler.fakes;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The server side of the local fakes' TLS: the key pair in {@code test.tls.keystore} (PKCS12,
 * password changeit, SAN 127.0.0.1 and localhost), made by src/test/tls/make-test-tls.sh. Clients
 * trust it through surefire's {@code javax.net.ssl.trustStore}; nothing trusts all.
 */
public final class TestTls {
    private TestTls() {
    }

    /** A server TLS context holding the fakes' key pair. */
    public static SSLContext serverContext() {
        String file = System.getProperty("test.tls.keystore");
        if (file == null || !Files.exists(Path.of(file))) {
            throw new IllegalStateException("system property test.tls.keystore must name the fakes' PKCS12 key store"
                    + " (surefire sets it; made by src/test/tls/make-test-tls.sh)");
        }
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            char[] password = "changeit".toCharArray();
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(in, password);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot load the test key store " + file, e);
        }
    }
}
