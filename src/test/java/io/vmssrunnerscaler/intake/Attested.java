package io.vmssrunnerscaler.intake;

import static io.restassured.RestAssured.given;

import io.restassured.response.ValidatableResponse;
import io.vmssrunnerscaler.fakes.imds.TestAttestation;

/**
 * A runner VM's boot step as the tests play it against the running scaler: a nonce for its name,
 * the metadata service's document for that nonce (signed by the tests' trusted authority, which
 * the test profile makes the scaler trust), then the configuration with the document as its body.
 */
public final class Attested {
    /** The subscription of the simulator's scale sets when none is configured. */
    public static final String SIMULATED = "simulated";

    private Attested() {
    }

    /** A nonce for {@code runnerName}, as {@code POST /runners/{name}/nonce} hands it out. */
    public static String nonce(String runnerName) {
        return given().post("/runners/" + runnerName + "/nonce").then().statusCode(200).extract().path("nonce");
    }

    /** What the metadata service of VM {@code vmId} answers for {@code nonce}. */
    public static String document(String vmId, String subscription, String nonce) {
        return TestAttestation.trustedDocument(vmId, subscription, nonce);
    }

    /** The configuration request of the VM {@code vmId} of the simulator, for the instance {@code runnerName}. */
    public static ValidatableResponse jitconfig(String runnerName, String vmId) {
        return jitconfig(runnerName, vmId, SIMULATED);
    }

    public static ValidatableResponse jitconfig(String runnerName, String vmId, String subscription) {
        return post(runnerName, document(vmId, subscription, nonce(runnerName)));
    }

    /** Sends {@code body} as the configuration request's attested document. */
    public static ValidatableResponse post(String runnerName, String body) {
        return given().contentType("application/json").body(body).post("/runners/" + runnerName + "/jitconfig").then();
    }
}
