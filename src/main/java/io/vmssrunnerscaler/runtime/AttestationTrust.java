package io.vmssrunnerscaler.runtime;

import io.vmssrunnerscaler.config.InvalidConfigurationException;
import io.vmssrunnerscaler.config.ScalerConfig;
import io.vmssrunnerscaler.identity.AttestationVerifier;
import io.vmssrunnerscaler.identity.imds.AiaIssuerFetcher;
import io.vmssrunnerscaler.identity.imds.CertificateBundles;
import io.vmssrunnerscaler.identity.imds.MicrosoftImdsTrust;
import io.vmssrunnerscaler.identity.imds.Pkcs7AttestationVerifier;
import io.vmssrunnerscaler.sim.SimAttestation;
import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The verifier of runner VMs' attested documents, from the settings. */
final class AttestationTrust {
    private AttestationTrust() {
    }

    /**
     * Trusts the configured roots, else Microsoft's (from the JDK's trust store); in simulator mode
     * ({@code simulated} set) the simulator's own authority instead of Microsoft's, plus any
     * configured roots. Missing intermediates are fetched from Microsoft's hosts only.
     */
    static AttestationVerifier verifier(ScalerConfig.Runners runners, SimAttestation simulated) {
        List<X509Certificate> anchors = new ArrayList<>();
        Optional<List<X509Certificate>> configured = runners.attestationTrustAnchors()
                .map(f -> read("scaler.runners.attestation-trust-anchors", f));
        configured.ifPresent(anchors::addAll);
        if (simulated != null) {
            anchors.add(simulated.trustAnchor());
        } else if (configured.isEmpty()) {
            anchors.addAll(MicrosoftImdsTrust.anchorsFromJdk());
        }
        List<X509Certificate> intermediates = runners.attestationIntermediates()
                .map(f -> read("scaler.runners.attestation-intermediates", f)).orElse(List.of());
        return new Pkcs7AttestationVerifier(Pkcs7AttestationVerifier.Settings.trusting(anchors)
                .withIntermediates(intermediates).withIssuerFetcher(AiaIssuerFetcher.forMicrosoft()));
    }

    private static List<X509Certificate> read(String key, String file) {
        try {
            List<X509Certificate> certificates = CertificateBundles.readPem(Path.of(file));
            if (certificates.isEmpty()) {
                throw new InvalidConfigurationException(List.of(key + ": no certificate in " + file));
            }
            return certificates;
        } catch (IOException | CertificateException e) {
            throw new InvalidConfigurationException(List.of(key + ": cannot read certificates from " + file + " (" + e.getMessage() + ")"));
        }
    }
}
