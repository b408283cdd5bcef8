package io.vmssrunnerscaler.identity.imds;

import io.vmssrunnerscaler.identity.AttestationException;
import io.vmssrunnerscaler.identity.AttestationException.Reason;
import io.vmssrunnerscaler.identity.AttestationVerifier;
import io.vmssrunnerscaler.identity.AttestedInstance;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSTypedData;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.operator.OperatorCreationException;

/**
 * Verifies Azure IMDS attested documents: a PKCS#7 (CMS) SignedData over a JSON document, signed by a
 * certificate named {@code metadata.azure.com} (or a subdomain: Microsoft's IMDS docs, "Attested data",
 * say the name may be any {@code .metadata.azure.com} subdomain) that chains to Microsoft's public roots.
 * Azure includes only the signer's certificate; the intermediates come from {@link Settings#intermediates()}
 * or, when an {@link AiaIssuerFetcher} is set, from the certificates' Authority Information Access URLs.
 *
 * <p>Order of the checks: decoding, the signature over the content (so nothing unsigned is parsed), the chain
 * (PKIX at {@code now}), the name, the JSON, the window. BouncyCastle's CMS API is used with the JDK's default
 * JCA providers; the BC provider is never registered.
 *
 * <p>Revocation is NOT checked (no CRL or OCSP fetch): the documents live hours, Microsoft's signer
 * certificates are short-lived, and a revocation fetch per runner would put a third party on the path of
 * every VM's start. A compromised IMDS signer key would be Microsoft's incident, handled by their roots.
 */
public final class Pkcs7AttestationVerifier implements AttestationVerifier {
    /** The only encoding IMDS documents. */
    public static final String PKCS7 = "pkcs7";
    /** Above this many base64 characters a document is refused before decoding (Azure's are about 2-8 KB). */
    static final int MAX_SIGNATURE_CHARS = 64 * 1024;
    /** The longest chain walked to find intermediates by AIA. */
    private static final int MAX_FETCH_DEPTH = 4;

    private final Settings settings;
    private final Set<TrustAnchor> anchors;

    public Pkcs7AttestationVerifier(Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        Set<TrustAnchor> set = new LinkedHashSet<>();
        for (X509Certificate anchor : settings.trustAnchors()) {
            set.add(new TrustAnchor(anchor, null));
        }
        this.anchors = Set.copyOf(set);
    }

    public Settings settings() {
        return settings;
    }

    @Override
    public AttestedInstance verify(String encoding, String signatureBase64, Instant now) throws AttestationException {
        Objects.requireNonNull(now, "now");
        if (!PKCS7.equals(encoding)) {
            throw new AttestationException(Reason.MALFORMED, "encoding must be pkcs7");
        }
        if (signatureBase64 == null || signatureBase64.isEmpty() || signatureBase64.length() > MAX_SIGNATURE_CHARS) {
            throw new AttestationException(Reason.MALFORMED, "signature missing or too long");
        }
        byte[] der;
        try {
            der = Base64.getDecoder().decode(signatureBase64);
        } catch (IllegalArgumentException e) {
            throw new AttestationException(Reason.MALFORMED, "signature is not base64");
        }
        CMSSignedData cms;
        try {
            cms = new CMSSignedData(der);
        } catch (CMSException | RuntimeException e) {
            throw new AttestationException(Reason.MALFORMED, "signature is not a PKCS#7 SignedData", e);
        }
        CMSTypedData signed = cms.getSignedContent();
        if (signed == null || !CMSObjectIdentifiers.data.equals(signed.getContentType())
                || !(signed.getContent() instanceof byte[] content)) {
            throw new AttestationException(Reason.MALFORMED, "PKCS#7 without signed data content");
        }
        Collection<SignerInformation> signers = cms.getSignerInfos().getSigners();
        if (signers.size() != 1) {
            throw new AttestationException(Reason.MALFORMED, "PKCS#7 must have exactly one signer");
        }
        SignerInformation signer = signers.iterator().next();
        List<X509Certificate> included = certificates(cms);
        X509Certificate leaf = signerCertificate(cms, signer);
        verifySignature(signer, leaf);
        verifyChain(leaf, included, now);
        verifyName(leaf);
        ImdsDocument document = ImdsDocument.parse(content);
        if (document.createdOn().isAfter(now.plus(settings.clockSkew()))) {
            throw new AttestationException(Reason.NOT_YET_VALID, "document createdOn is in the future");
        }
        if (!now.isBefore(document.expiresOn())) {
            throw new AttestationException(Reason.EXPIRED, "document has expired");
        }
        return new AttestedInstance(document.vmId(), document.subscriptionId(), document.nonce(), document.createdOn(),
                document.expiresOn());
    }

    private static List<X509Certificate> certificates(CMSSignedData cms) throws AttestationException {
        List<X509Certificate> out = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        try {
            for (X509CertificateHolder holder : cms.getCertificates().getMatches(null)) {
                out.add(converter.getCertificate(holder));
            }
        } catch (CertificateException e) {
            throw new AttestationException(Reason.MALFORMED, "PKCS#7 holds an unreadable certificate", e);
        }
        return out;
    }

    private static X509Certificate signerCertificate(CMSSignedData cms, SignerInformation signer)
            throws AttestationException {
        @SuppressWarnings("unchecked")
        Collection<X509CertificateHolder> matches = cms.getCertificates().getMatches(signer.getSID());
        if (matches.size() != 1) {
            throw new AttestationException(Reason.MALFORMED, "PKCS#7 must include its signer's certificate");
        }
        try {
            return new JcaX509CertificateConverter().getCertificate(matches.iterator().next());
        } catch (CertificateException e) {
            throw new AttestationException(Reason.MALFORMED, "signer certificate unreadable", e);
        }
    }

    private static void verifySignature(SignerInformation signer, X509Certificate leaf) throws AttestationException {
        boolean valid;
        try {
            valid = signer.verify(new JcaSimpleSignerInfoVerifierBuilder().build(leaf));
        } catch (OperatorCreationException e) {
            throw new AttestationException(Reason.MALFORMED, "unsupported signature algorithm", e);
        } catch (CMSException | RuntimeException e) {
            // A digest that does not match the content, a certificate not valid at the signing time.
            throw new AttestationException(Reason.BAD_SIGNATURE, "signature does not verify", e);
        }
        if (!valid) {
            throw new AttestationException(Reason.BAD_SIGNATURE, "signature does not verify");
        }
    }

    private void verifyChain(X509Certificate leaf, List<X509Certificate> included, Instant now)
            throws AttestationException {
        List<X509Certificate> pool = new ArrayList<>(settings.intermediates());
        pool.addAll(included);
        if (settings.issuerFetcher() != null) {
            fetchMissingIssuers(leaf, pool);
        }
        try {
            X509CertSelector target = new X509CertSelector();
            target.setCertificate(leaf);
            PKIXBuilderParameters parameters = new PKIXBuilderParameters(anchors, target);
            parameters.setRevocationEnabled(false); // see the class comment
            parameters.setDate(Date.from(now));
            parameters.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(pool)));
            CertPathBuilder.getInstance("PKIX").build(parameters);
        } catch (CertPathBuilderException e) {
            throw new AttestationException(Reason.UNTRUSTED_SIGNER,
                    "signer certificate does not chain to a trusted root", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK's PKIX certificate path builder is unavailable", e);
        }
        boolean[] usage = leaf.getKeyUsage();
        if (usage != null && !usage[0]) {
            throw new AttestationException(Reason.UNTRUSTED_SIGNER, "signer certificate is not for digital signatures");
        }
    }

    /** Walks up from the leaf and fetches, by AIA, each issuer that neither the pool nor the anchors hold. */
    private void fetchMissingIssuers(X509Certificate leaf, List<X509Certificate> pool) {
        X509Certificate current = leaf;
        for (int depth = 0; depth < MAX_FETCH_DEPTH; depth++) {
            X500Principal issuer = current.getIssuerX500Principal();
            if (issuer.equals(current.getSubjectX500Principal()) || anchoredBy(issuer)) {
                return;
            }
            X509Certificate next = subjectIn(pool, issuer, current);
            if (next == null) {
                List<X509Certificate> fetched = settings.issuerFetcher().issuersOf(current);
                next = subjectIn(fetched, issuer, current);
                if (next == null) {
                    return;
                }
                pool.addAll(fetched);
            }
            current = next;
        }
    }

    private boolean anchoredBy(X500Principal subject) {
        for (TrustAnchor anchor : anchors) {
            if (anchor.getTrustedCert().getSubjectX500Principal().equals(subject)) {
                return true;
            }
        }
        return false;
    }

    private static X509Certificate subjectIn(List<X509Certificate> certificates, X500Principal subject,
            X509Certificate except) {
        for (X509Certificate certificate : certificates) {
            if (certificate.getSubjectX500Principal().equals(subject) && !certificate.equals(except)) {
                return certificate;
            }
        }
        return null;
    }

    private void verifyName(X509Certificate leaf) throws AttestationException {
        for (String name : names(leaf)) {
            if (matches(name, settings.signerName())) {
                return;
            }
        }
        throw new AttestationException(Reason.WRONG_SIGNER_NAME,
                "signer certificate is not issued to " + settings.signerName());
    }

    /** The name itself, or any subdomain of it (which covers a {@code *.name} wildcard). */
    static boolean matches(String name, String expected) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.equals(expected) || lower.endsWith("." + expected);
    }

    /** The certificate's DNS subject alternative names and its subject's common names. */
    private static List<String> names(X509Certificate certificate) throws AttestationException {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> alternative : alternatives) {
                    if (alternative.size() >= 2 && Integer.valueOf(2).equals(alternative.get(0))
                            && alternative.get(1) instanceof String dns) {
                        names.add(dns);
                    }
                }
            }
            for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName(X500Principal.RFC2253)).getRdns()) {
                if ("CN".equalsIgnoreCase(rdn.getType()) && rdn.getValue() instanceof String cn) {
                    names.add(cn);
                }
            }
        } catch (CertificateParsingException | InvalidNameException e) {
            throw new AttestationException(Reason.WRONG_SIGNER_NAME, "signer certificate names unreadable", e);
        }
        return names;
    }

    /**
     * What the verifier trusts and expects.
     *
     * @param trustAnchors the roots a signer must chain to (at least one)
     * @param intermediates more certificates that may complete a chain (Azure sends only the signer's)
     * @param signerName the name the signer's certificate must carry, or be a subdomain of
     *        ({@link #AZURE_PUBLIC_CLOUD} for Azure's public cloud)
     * @param clockSkew how far in the future {@code createdOn} may be (0 to 1 hour)
     * @param issuerFetcher fetches missing intermediates from AIA caIssuers URLs; {@code null}: none
     */
    public record Settings(List<X509Certificate> trustAnchors, List<X509Certificate> intermediates, String signerName,
            Duration clockSkew, AiaIssuerFetcher issuerFetcher) {
        /** The signer name of Azure's public cloud (Microsoft's IMDS docs, "Attested data"). */
        public static final String AZURE_PUBLIC_CLOUD = "metadata.azure.com";
        public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofMinutes(2);

        public Settings {
            trustAnchors = List.copyOf(trustAnchors);
            intermediates = List.copyOf(intermediates);
            if (trustAnchors.isEmpty()) {
                throw new IllegalArgumentException("at least one trust anchor is needed");
            }
            Objects.requireNonNull(signerName, "signerName");
            signerName = signerName.trim().toLowerCase(Locale.ROOT);
            if (signerName.isEmpty() || signerName.startsWith(".") || signerName.startsWith("*")) {
                throw new IllegalArgumentException("signerName must be a DNS name such as metadata.azure.com");
            }
            Objects.requireNonNull(clockSkew, "clockSkew");
            if (clockSkew.isNegative() || clockSkew.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("clockSkew must be between 0 and 1 hour");
            }
        }

        /** Trusting these roots, no extra intermediates, Azure's public-cloud name, the default skew, no AIA. */
        public static Settings trusting(List<X509Certificate> trustAnchors) {
            return new Settings(trustAnchors, List.of(), AZURE_PUBLIC_CLOUD, DEFAULT_CLOCK_SKEW, null);
        }

        public Settings withIntermediates(List<X509Certificate> more) {
            return new Settings(trustAnchors, more, signerName, clockSkew, issuerFetcher);
        }

        public Settings withSignerName(String name) {
            return new Settings(trustAnchors, intermediates, name, clockSkew, issuerFetcher);
        }

        public Settings withClockSkew(Duration skew) {
            return new Settings(trustAnchors, intermediates, signerName, skew, issuerFetcher);
        }

        public Settings withIssuerFetcher(AiaIssuerFetcher fetcher) {
            return new Settings(trustAnchors, intermediates, signerName, clockSkew, fetcher);
        }
    }
}
