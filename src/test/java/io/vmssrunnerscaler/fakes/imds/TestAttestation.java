package io.vmssrunnerscaler.fakes.imds;

import io.vmssrunnerscaler.identity.imds.CertificateBundles;
import io.vmssrunnerscaler.identity.imds.Pkcs7AttestationVerifier;
import io.vmssrunnerscaler.sim.SimAttestation;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The fake IMDS's certificates, made at build time by src/test/tls/make-test-attestation.sh, whose paths
 * surefire passes as {@code test.attestation.*} system properties: a root, an intermediate and a trusted
 * {@code metadata.azure.com} signer shaped like Azure's; an unrelated root's signer of the same name. Key
 * stores' password: changeit.
 */
public final class TestAttestation {
    private static final char[] PASSWORD = "changeit".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private TestAttestation() {
    }

    /** A private key and its certificate (first of its chain). */
    public record Signer(PrivateKey key, X509Certificate certificate) {
        /** Base64 PKCS#7 of {@code content}, as Azure signs (only this certificate included). */
        public String sign(byte[] content) {
            return SimAttestation.sign(content, key, certificate);
        }
    }

    /** What IMDS answers VM {@code vmId} of {@code subscription} for {@code nonce}, signed by the trusted test signer. */
    public static String trustedDocument(String vmId, String subscription, String nonce) {
        return document(trustedSigner(), vmId, subscription, nonce, Instant.now().minusSeconds(5), false);
    }

    /** The same, signed by a {@code metadata.azure.com} certificate of a root nobody trusts. */
    public static String untrustedDocument(String vmId, String subscription, String nonce) {
        return document(untrustedSigner(), vmId, subscription, nonce, Instant.now().minusSeconds(5), false);
    }

    /** A trusted document whose content (its vmId) was changed after signing. */
    public static String tamperedDocument(String vmId, String subscription, String nonce) {
        return document(trustedSigner(), vmId, subscription, nonce, Instant.now().minusSeconds(5), true);
    }

    /** A trusted document whose validity ended a minute ago. */
    public static String expiredDocument(String vmId, String subscription, String nonce) {
        return document(trustedSigner(), vmId, subscription, nonce,
                Instant.now().minus(SimAttestation.DOCUMENT_LIFETIME).minusSeconds(60), false);
    }

    private static String document(Signer signer, String vmId, String subscription, String nonce, Instant created,
            boolean tamper) {
        byte[] content = SimAttestation.content(vmId, subscription, nonce, created, created.plus(SimAttestation.DOCUMENT_LIFETIME));
        String signature = signer.sign(content);
        return SimAttestation.response(tamper ? FakeImds.tampered(signature) : signature);
    }

    /** The {@code metadata.azure.com} signer issued by the test intermediate. */
    public static Signer trustedSigner() {
        return Holder.TRUSTED;
    }

    /** A {@code metadata.azure.com} signer under a root that nothing trusts. */
    public static Signer untrustedSigner() {
        return Holder.UNTRUSTED;
    }

    /** The intermediate CA's key, for tests that issue their own leaves ({@link #issue}). */
    public static Signer intermediateCa() {
        return Holder.INTERMEDIATE;
    }

    public static Path trustAnchorPem() {
        return path("test.attestation.root");
    }

    public static Path intermediatePem() {
        return path("test.attestation.intermediate");
    }

    public static Path untrustedRootPem() {
        return path("test.attestation.untrusted.root");
    }

    public static X509Certificate trustAnchor() {
        return Holder.ROOT;
    }

    public static X509Certificate intermediate() {
        return Holder.INTERMEDIATE.certificate();
    }

    /** Settings trusting the test root, with the test intermediate as the configured bundle, no AIA. */
    public static Pkcs7AttestationVerifier.Settings settings() {
        return Pkcs7AttestationVerifier.Settings.trusting(List.of(Holder.ROOT)).withIntermediates(List.of(intermediate()));
    }

    /** A verifier trusting the test root, with the test intermediate as its bundle. */
    public static Pkcs7AttestationVerifier verifier() {
        return new Pkcs7AttestationVerifier(settings());
    }

    /**
     * A new RSA leaf named {@code name} (subject CN and DNS SAN), key usage digitalSignature, valid from a day
     * ago for 30 days, issued by {@code ca}; with an AIA caIssuers URL when {@code caIssuers} is not null.
     */
    public static Signer issue(Signer ca, String name, URI caIssuers) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048, RANDOM);
            KeyPair keys = generator.generateKeyPair();
            Instant now = Instant.now();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(ca.certificate(),
                    new BigInteger(64, RANDOM).add(BigInteger.ONE), Date.from(now.minus(Duration.ofDays(1))),
                    Date.from(now.plus(Duration.ofDays(30))), new X500Principal("CN=" + name), keys.getPublic())
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.subjectAlternativeName, false,
                            new GeneralNames(new GeneralName(GeneralName.dNSName, name)));
            if (caIssuers != null) {
                builder.addExtension(Extension.authorityInfoAccess, false, new AuthorityInformationAccess(
                        new AccessDescription(AccessDescription.id_ad_caIssuers,
                                new GeneralName(GeneralName.uniformResourceIdentifier, caIssuers.toString()))));
            }
            X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(ca.key())));
            return new Signer(keys.getPrivate(), certificate);
        } catch (Exception e) {
            throw new IllegalStateException("cannot issue a test certificate", e);
        }
    }

    private static Path path(String property) {
        String file = System.getProperty(property);
        if (file == null || !Files.exists(Path.of(file))) {
            throw new IllegalStateException("system property " + property + " must name a file made by"
                    + " src/test/tls/make-test-attestation.sh (surefire sets it)");
        }
        return Path.of(file);
    }

    private static Signer load(String property, String alias) {
        Path file = path(property);
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, PASSWORD);
            return new Signer((PrivateKey) store.getKey(alias, PASSWORD), (X509Certificate) store.getCertificate(alias));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot load the test key store " + file, e);
        }
    }

    private static final class Holder {
        static final Signer TRUSTED = load("test.attestation.signer", "signer");
        static final Signer UNTRUSTED = load("test.attestation.untrusted.signer", "signer");
        static final Signer INTERMEDIATE = load("test.attestation.intermediate.keystore", "ca");
        static final X509Certificate ROOT;

        static {
            try {
                ROOT = CertificateBundles.readPem(trustAnchorPem()).get(0);
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalStateException("cannot read " + trustAnchorPem(), e);
            }
        }
    }
}
