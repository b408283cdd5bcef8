package io.vmssrunnerscaler.identity.imds;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import javax.security.auth.x500.X500Principal;

/**
 * Azure's defaults: the roots Microsoft documents for IMDS attested data, taken from the JDK's own cacerts
 * (never bundled here, so a JDK update renews them), and AIA fetching of the intermediates from Microsoft's
 * and DigiCert's hosts.
 *
 * <p>The roots, from Microsoft's docs: the IMDS attested data signer moved from Baltimore CyberTrust Root to
 * DigiCert Global Root G2 in 2022 (Azure Tech Community, "Azure Instance Metadata Service-Attested data TLS:
 * Critical changes are here!", Nov 2021, updated Sep 2023, which points at "Azure Certificate Authority
 * details" for later changes); that page lists Microsoft RSA Root Certificate Authority 2017 beside DigiCert
 * Global Root G2 for Azure's TLS issuing CAs; the IMDS article ("Attested data") says Azure China's
 * intermediate is from DigiCert Global Root CA. Baltimore (expired May 2025) is not kept.
 */
public final class MicrosoftImdsTrust {
    /** The one place that says which roots an IMDS signer may chain to. */
    public static final Set<X500Principal> ROOT_SUBJECTS = Set.of(
            new X500Principal("CN=DigiCert Global Root G2, OU=www.digicert.com, O=DigiCert Inc, C=US"),
            new X500Principal("CN=Microsoft RSA Root Certificate Authority 2017, O=Microsoft Corporation, C=US"),
            new X500Principal("CN=DigiCert Global Root CA, OU=www.digicert.com, O=DigiCert Inc, C=US"));

    private MicrosoftImdsTrust() {
    }

    /** A verifier with the JDK's copies of Microsoft's IMDS roots, Azure's public-cloud name and AIA on. */
    public static Pkcs7AttestationVerifier verifier() {
        return new Pkcs7AttestationVerifier(Pkcs7AttestationVerifier.Settings.trusting(anchorsFromJdk())
                .withIssuerFetcher(AiaIssuerFetcher.forMicrosoft()));
    }

    /**
     * Microsoft's IMDS roots among the JDK's trusted certificates: {@code $java.home/lib/security/cacerts}
     * when it exists (the JVM), else the default trust manager's issuers (a native image keeps the cacerts of
     * its build). Reading the file directly keeps a {@code javax.net.ssl.trustStore} setting (tests set one)
     * from hiding the JDK's roots.
     *
     * @throws IllegalStateException when none of the roots is there
     */
    public static List<X509Certificate> anchorsFromJdk() {
        List<X509Certificate> all;
        try {
            String home = System.getProperty("java.home");
            Path cacerts = home == null ? null : Path.of(home, "lib", "security", "cacerts");
            all = cacerts != null && Files.isReadable(cacerts) ? fromKeyStore(cacerts) : fromDefaultTrustManager();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the JDK's trusted certificates", e);
        }
        List<X509Certificate> roots = filter(all);
        if (roots.isEmpty()) {
            throw new IllegalStateException("the JDK's trusted certificates hold none of " + ROOT_SUBJECTS);
        }
        return roots;
    }

    /** The certificates whose subject is one of {@link #ROOT_SUBJECTS}, each once. */
    public static List<X509Certificate> filter(List<X509Certificate> certificates) {
        List<X509Certificate> roots = new ArrayList<>();
        for (X509Certificate certificate : certificates) {
            if (ROOT_SUBJECTS.contains(certificate.getSubjectX500Principal()) && !roots.contains(certificate)) {
                roots.add(certificate);
            }
        }
        return List.copyOf(roots);
    }

    private static List<X509Certificate> fromKeyStore(Path file) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, null); // cacerts' entries are public: no password needed to read them
        }
        List<X509Certificate> out = new ArrayList<>();
        for (Enumeration<String> aliases = store.aliases(); aliases.hasMoreElements();) {
            if (store.getCertificate(aliases.nextElement()) instanceof X509Certificate certificate) {
                out.add(certificate);
            }
        }
        return out;
    }

    private static List<X509Certificate> fromDefaultTrustManager() throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init((KeyStore) null);
        List<X509Certificate> out = new ArrayList<>();
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509TrustManager x509) {
                out.addAll(List.of(x509.getAcceptedIssuers()));
            }
        }
        return out;
    }
}
