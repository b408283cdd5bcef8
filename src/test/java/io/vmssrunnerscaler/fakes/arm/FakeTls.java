package io.vmssrunnerscaler.fakes.arm;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The server side of the test TLS set-up: the key pair made by src/test/tls/make-test-tls.sh
 * (certificate for 127.0.0.1 and localhost), whose certificate surefire makes the JVM's only
 * trusted one. The Azure SDK refuses bearer tokens over plain http, and nothing trusts blindly.
 */
public final class FakeTls {
    public static final String KEYSTORE_PROPERTY = "test.tls.keystore";
    private static final char[] PASSWORD = "changeit".toCharArray();

    private FakeTls() {
    }

    public static SSLContext serverContext() {
        String path = System.getProperty(KEYSTORE_PROPERTY);
        if (path == null) {
            throw new IllegalStateException("system property " + KEYSTORE_PROPERTY
                    + " is not set; run the tests through Maven (surefire sets it)");
        }
        try (InputStream in = Files.newInputStream(Path.of(path))) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(in, PASSWORD);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, PASSWORD);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot load the test key store " + path, e);
        }
    }
}
