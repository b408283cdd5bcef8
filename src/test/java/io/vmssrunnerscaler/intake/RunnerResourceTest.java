package io.vmssrunnerscaler.intake;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vmssrunnerscaler.engine.Instance;
import io.vmssrunnerscaler.engine.Phase;
import io.vmssrunnerscaler.runtime.ScalerRuntime;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The runner endpoints, called as a runner VM would: configuration once, then hooks with the token. */
@QuarkusTest
@TestProfile(ManualRunnersProfile.class)
class RunnerResourceTest {
    @Inject
    ScalerRuntime runtime;

    @BeforeEach
    void fiveInstancesProvisioning() {
        Listed.await(runtime, () -> instances().size(), 5);
    }

    @Test
    void aProvisioningInstanceGetsItsConfigurationOnceAndItsHooksAreBoundToIt() {
        Instance vm = instances().get(0);
        String name = vm.name();
        String token = Attested.jitconfig(name, vm.vmId()).statusCode(200)
                .body("runnerName", equalTo(name)).body("pool", equalTo("linux"))
                .body("encodedJitConfig", startsWith("sim-jit-")).body("runnerId", notNullValue())
                .extract().path("hookToken");
        assertEquals(Phase.IDLE, phase(name));
        Attested.jitconfig(name, vm.vmId()).statusCode(409).body("outcome", equalTo("already-configured"));

        hook(name, "job-started", token).statusCode(202).body("outcome", equalTo("accepted"));
        hook(name, "job-started", token).statusCode(202);
        await().until(() -> phase(name) == Phase.BUSY);
        hook(name, "job-completed", token).statusCode(202);
        await().until(() -> phase(name) == Phase.FINISHING);
        hook(name, "job-completed", token).statusCode(202);
        assertEquals(Phase.FINISHING, phase(name), "the completed-hook alone never ends the job");
    }

    @Test
    void forgedMissingAndForeignTokensAreRefused() {
        String owner = instances().get(1).name();
        String other = instances().get(2).name();
        String token = Attested.jitconfig(owner, instances().get(1).vmId()).statusCode(200).extract().path("hookToken");

        hook(other, "job-started", null).statusCode(401).body("outcome", equalTo("unauthenticated"));
        hook(other, "job-started", "v1.Zm9v.YmFy").statusCode(401).body("outcome", equalTo("bad-token"));
        hook(other, "job-started", token.substring(0, token.length() - 3) + "abc").statusCode(401);
        hook(other, "job-started", token).statusCode(403).body("outcome", equalTo("wrong-runner"));
        assertEquals(Phase.PROVISIONING, phase(other), "a runner reporting for another instance changed it");
    }

    @Test
    void unknownAndMalformedNames() {
        Attested.jitconfig("nosuchvm000099", instances().get(3).vmId()).statusCode(404).body("outcome", equalTo("unknown-instance"));
        given().post("/runners/-bad..name/jitconfig").then().statusCode(400).body("outcome", equalTo("malformed"));
        given().post("/runners/-bad..name/nonce").then().statusCode(400).body("outcome", equalTo("malformed"));
    }

    static io.restassured.response.ValidatableResponse hook(String name, String event, String token) {
        var request = given();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return request.post("/runners/" + name + "/" + event).then();
    }

    private List<Instance> instances() {
        return List.copyOf(runtime.scaler().loop("linux").orElseThrow().state().instances().values());
    }

    private Phase phase(String name) {
        return runtime.scaler().loop("linux").orElseThrow().state().byName(name).orElseThrow().phase();
    }
}
