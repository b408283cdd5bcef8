package io.vmssrunnerscaler.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * The simulator's Azure instance metadata attested documents: an in-memory CA (EC P-256, made at
 * construction, never written anywhere) and a {@code metadata.azure.com} signer it issued. The wiring gives
 * {@link #trustAnchor()} to the scaler's verifier in simulator mode, and a simulated VM answers with
 * {@link #documentFor}. The static {@link #sign} and {@link #content} are the one signing routine the tests'
 * fake IMDS uses too. All with the JDK's JCA providers; BouncyCastle's provider is not registered.
 */
public final class SimAttestation {
    /** How long IMDS's documents stay valid (Microsoft's example: created 00:16:17, expires 06:16:17). */
    public static final Duration DOCUMENT_LIFETIME = Duration.ofHours(6);
    /** The signer's name in Azure's public cloud. */
    public static final String SIGNER_NAME = "metadata.azure.com";
    /** IMDS's timestamps: {@code 11/28/18 00:16:17 -0000}, always UTC with that offset. */
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("MM/dd/uu HH:mm:ss", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final X509Certificate anchor;
    private final X509Certificate signer;
    private final PrivateKey signerKey;

    /** A CA and signer valid from a day ago for ten years. */
    public SimAttestation() {
        this(Instant.now().minus(Duration.ofDays(1)), Duration.ofDays(3650));
    }

    /** A CA and signer valid from {@code notBefore} for {@code validity} (a simulated clock may need other times). */
    public SimAttestation(Instant notBefore, Duration validity) {
        try {
            Instant notAfter = notBefore.plus(validity);
            KeyPair caKeys = ecKeyPair();
            X500Principal caName = new X500Principal("CN=Simulator IMDS Root CA " + Long.toHexString(RANDOM.nextLong()));
            this.anchor = certificate(new JcaX509v3CertificateBuilder(caName, serial(), Date.from(notBefore),
                    Date.from(notAfter), caName, caKeys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)),
                    caKeys.getPrivate());
            KeyPair signerKeys = ecKeyPair();
            this.signer = certificate(new JcaX509v3CertificateBuilder(caName, serial(), Date.from(notBefore),
                    Date.from(notAfter), new X500Principal("CN=" + SIGNER_NAME), signerKeys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.subjectAlternativeName, false,
                            new GeneralNames(new GeneralName(GeneralName.dNSName, SIGNER_NAME))),
                    caKeys.getPrivate());
            this.signerKey = signerKeys.getPrivate();
        } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot make the simulator's attestation CA", e);
        }
    }

    /** The root the simulator's signer chains to (its only intermediate-free chain). */
    public X509Certificate trustAnchor() {
        return anchor;
    }

    /** The {@code metadata.azure.com} certificate included in each document. */
    public X509Certificate signerCertificate() {
        return signer;
    }

    /**
     * What IMDS answers a VM's {@code GET /metadata/attested/document?nonce=...}:
     * {@code {"encoding":"pkcs7","signature":"<base64>"}}, created at {@code now}, expiring
     * {@link #DOCUMENT_LIFETIME} later.
     */
    public String documentFor(String vmId, String subscriptionId, String nonce, Instant now) {
        return response(sign(content(vmId, subscriptionId, nonce, now, now.plus(DOCUMENT_LIFETIME)), signerKey, signer));
    }

    /** IMDS's signed content: nonce, plan, timeStamp, vmId, licenseType, subscriptionId, sku, in IMDS's order. */
    public static byte[] content(String vmId, String subscriptionId, String nonce, Instant createdOn, Instant expiresOn) {
        ObjectNode root = JSON.createObjectNode();
        root.put("nonce", Objects.requireNonNull(nonce, "nonce"));
        ObjectNode plan = root.putObject("plan");
        plan.put("name", "");
        plan.put("product", "");
        plan.put("publisher", "");
        ObjectNode timeStamp = root.putObject("timeStamp");
        timeStamp.put("createdOn", timestamp(createdOn));
        timeStamp.put("expiresOn", timestamp(expiresOn));
        root.put("vmId", Objects.requireNonNull(vmId, "vmId"));
        root.put("licenseType", "");
        root.put("subscriptionId", Objects.requireNonNull(subscriptionId, "subscriptionId"));
        root.put("sku", "");
        try {
            return JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An instant as IMDS writes it: {@code MM/dd/yy HH:mm:ss -0000} (UTC). */
    public static String timestamp(Instant instant) {
        return TIMESTAMP.format(instant) + " -0000";
    }

    /**
     * Base64 of a DER (not BC's default BER) PKCS#7 SignedData of {@code content} with the content attached,
     * signed directly (no signed attributes) with SHA-256 and the key's algorithm (RSA or EC), holding only the signer's
     * certificate: the shape of Azure's documents.
     */
    public static String sign(byte[] content, PrivateKey key, X509Certificate signerCertificate) {
        try {
            String algorithm = "EC".equals(key.getAlgorithm()) ? "SHA256withECDSA" : "SHA256withRSA";
            CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
            generator.addSignerInfoGenerator(new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder()
                    .build()).setDirectSignature(true).build(new JcaContentSignerBuilder(algorithm).build(key),
                            signerCertificate));
            generator.addCertificates(new JcaCertStore(List.of(signerCertificate)));
            return Base64.getEncoder().encodeToString(
                    generator.generate(new CMSProcessableByteArray(content), true).getEncoded(ASN1Encoding.DER));
        } catch (OperatorCreationException | GeneralSecurityException | CMSException | IOException e) {
            throw new IllegalStateException("cannot sign the attested document", e);
        }
    }

    /** IMDS's answer around a signature: {@code {"encoding":"pkcs7","signature":"..."}}. */
    public static String response(String signatureBase64) {
        ObjectNode root = JSON.createObjectNode();
        root.put("encoding", "pkcs7");
        root.put("signature", signatureBase64);
        return root.toString();
    }

    private static KeyPair ecKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return generator.generateKeyPair();
    }

    private static BigInteger serial() {
        return new BigInteger(64, RANDOM).add(BigInteger.ONE);
    }

    private static X509Certificate certificate(X509v3CertificateBuilder builder, PrivateKey issuerKey)
            throws OperatorCreationException, GeneralSecurityException {
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
    }
}
