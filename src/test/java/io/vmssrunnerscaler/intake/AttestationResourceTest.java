package io.vmssrunnerscaler.intake;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vmssrunnerscaler.engine.Instance;
import io.vmssrunnerscaler.engine.Phase;
import io.vmssrunnerscaler.fakes.imds.TestAttestation;
import io.vmssrunnerscaler.runtime.ScalerRuntime;
import jakarta.inject.Inject;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A job on one runner VM, on the runner network, trying to take a booting sibling's runner
 * configuration the ways a thief would: its own document for the sibling's name, a replayed
 * document, a forged one, a foreign subscription's. Each is refused with a reason, counted, and
 * creates nothing; the sibling then still gets its own configuration.
 */
@QuarkusTest
@TestProfile(AttestationResourceTest.FreshInstances.class)
class AttestationResourceTest {
    /** Instances no other test class has configured. */
    public static class FreshInstances extends ManualRunnersProfile {
    }

    @Inject
    ScalerRuntime runtime;

    @Inject
    MeterRegistry metrics;

    @BeforeEach
    void fiveInstancesProvisioning() {
        Listed.await(runtime, () -> instances().size(), 5);
    }

    @Test
    void aSiblingsDocumentGetsNothingAndTheRightfulVmStillGetsItsConfiguration() {
        Instance victim = instances().get(0);
        Instance thief = instances().get(1);
        double before = refusals("wrong-instance");

        Attested.jitconfig(victim.name(), thief.vmId()).statusCode(403).body("outcome", equalTo("wrong-instance"));
        Attested.jitconfig(victim.name(), UUID.randomUUID().toString()).statusCode(403).body("outcome", equalTo("wrong-instance"));
        Attested.jitconfig(victim.name(), victim.vmId(), "another-subscription").statusCode(403)
                .body("outcome", equalTo("wrong-instance"));
        assertEquals(before + 3, refusals("wrong-instance"));
        assertEquals(Phase.PROVISIONING, phase(victim.name()));
        assertFalse(instance(victim.name()).configIssued());

        Attested.jitconfig(victim.name(), victim.vmId()).statusCode(200).body("runnerName", equalTo(victim.name()));
        assertEquals(Phase.IDLE, phase(victim.name()));
    }

    @Test
    void aReplayedDocumentIsRefusedEvenToItsOwnVm() {
        Instance vm = instances().get(2);
        String document = Attested.document(vm.vmId(), Attested.SIMULATED, Attested.nonce(vm.name()));
        Attested.post(vm.name(), document).statusCode(200);
        double before = refusals("nonce-unknown");

        Attested.post(vm.name(), document).statusCode(401).body("outcome", equalTo("nonce-unknown"));
        assertEquals(before + 1, refusals("nonce-unknown"));
    }

    @Test
    void aNonceIssuedForOneNameProvesNothingForAnother() {
        Instance victim = instances().get(3);
        Instance thief = instances().get(4);
        String theirNonce = Attested.nonce(thief.name());
        Attested.post(victim.name(), Attested.document(victim.vmId(), Attested.SIMULATED, theirNonce)).statusCode(403)
                .body("outcome", equalTo("nonce-other-runner"));
        assertFalse(instance(victim.name()).configIssued());
    }

    @Test
    void forgedTamperedExpiredAndMissingDocumentsAreRefusedWithAReason() {
        Instance vm = instances().get(4);
        Attested.post(vm.name(), TestAttestation.untrustedDocument(vm.vmId(), Attested.SIMULATED, Attested.nonce(vm.name())))
                .statusCode(401).body("outcome", equalTo("untrusted-signer"));
        Attested.post(vm.name(), TestAttestation.tamperedDocument(vm.vmId(), Attested.SIMULATED, Attested.nonce(vm.name())))
                .statusCode(401).body("outcome", equalTo("bad-signature"));
        Attested.post(vm.name(), TestAttestation.expiredDocument(vm.vmId(), Attested.SIMULATED, Attested.nonce(vm.name())))
                .statusCode(401).body("outcome", equalTo("document-expired"));
        given().post("/runners/" + vm.name() + "/jitconfig").then().statusCode(401).body("outcome", equalTo("attestation-required"));
        Attested.post(vm.name(), "{\"encoding\":\"pkcs7\",\"signature\":\"bm90IGEgcGtjczc=\"}").statusCode(400)
                .body("outcome", equalTo("malformed"));
        Attested.post(vm.name(), "not json").statusCode(400).body("outcome", equalTo("malformed"));
        assertEquals(Phase.PROVISIONING, phase(vm.name()));
        assertFalse(instance(vm.name()).configIssued(), "a refused document created a configuration");
    }

    private double refusals(String reason) {
        return metrics.counter("scaler.attestation.refusals", "reason", reason).count();
    }

    private List<Instance> instances() {
        return List.copyOf(runtime.scaler().loop("linux").orElseThrow().state().instances().values());
    }

    private Instance instance(String name) {
        return runtime.scaler().loop("linux").orElseThrow().state().byName(name).orElseThrow();
    }

    private Phase phase(String name) {
        return instance(name).phase();
    }
}
