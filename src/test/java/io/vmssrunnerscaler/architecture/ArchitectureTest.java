package io.vmssrunnerscaler.architecture;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Keeps the dependencies running one way (docs/ARCHITECTURE.md, "Layers"). The fixtures under
 * {@code architecture.fixture} show that each rule fails on the mistake it is there for.
 */
class ArchitectureTest {
    private static final String PRODUCT = "io.vmssrunnerscaler";
    private static final String FIXTURE = "io.vmssrunnerscaler.architecture.fixture";

    @Test
    void theProductKeepsTheLayers() {
        JavaClasses product = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS).importPackages(PRODUCT);
        assertTrue(product.size() > 100, "the product's classes were found: " + product.size());
        for (ArchRule rule : ArchitectureRules.all(PRODUCT, true)) {
            rule.check(product);
        }
    }

    @Test
    void theRulesHoldForAFixtureThatKeepsTheLayers() {
        for (ArchRule rule : ArchitectureRules.all(FIXTURE + ".clean", false)) {
            EvaluationResult result = rule.evaluate(fixture("clean"));
            assertFalse(result.hasViolation(), result.getFailureReport().toString());
        }
    }

    @Test
    void aCycleBetweenPackagesFails() {
        EvaluationResult result = ArchitectureRules.noPackageCycles(FIXTURE + ".cycle").evaluate(fixture("cycle"));
        assertTrue(result.hasViolation());
        assertTrue(result.getFailureReport().toString().contains("Cycle detected"), result.getFailureReport().toString());
    }

    @Test
    void anImportAgainstTheLayersFails() {
        String root = FIXTURE + ".upward";
        List<String> details = ArchitectureRules.layers(root, false).evaluate(fixture("upward")).getFailureReport()
                .getDetails();
        // The shell reaching into the HTTP side, the HTTP side into the wiring, an adapter into the shell;
        // nothing else (the engine's logger is not a layer's class: its own rule catches it).
        assertTrue(details.stream().allMatch(d -> d.contains("shell.Loop") || d.contains("status.Readiness")
                || d.contains("sim.World")), String.join("\n", details));
        assertTrue(details.stream().anyMatch(d -> d.contains("shell.Loop") && d.contains("intake.Resource")), details.toString());
        assertTrue(details.stream().anyMatch(d -> d.contains("status.Readiness") && d.contains("runtime.Wiring")),
                details.toString());
        assertTrue(details.stream().anyMatch(d -> d.contains("sim.World") && d.contains("shell.Loop")), details.toString());
    }

    @Test
    void theEngineReachingForAFrameworkFails() {
        String root = FIXTURE + ".upward";
        EvaluationResult result = ArchitectureRules.engineDependsOnNothing(root).evaluate(fixture("upward"));
        assertTrue(result.hasViolation());
        assertTrue(result.getFailureReport().toString().contains("org.jboss.logging.Logger"),
                result.getFailureReport().toString());
    }

    @Test
    void aClassOutsideEveryLayerFails() {
        String root = FIXTURE + ".stray";
        EvaluationResult result = ArchitectureRules.layers(root, false).evaluate(fixture("stray"));
        assertTrue(result.hasViolation());
        assertTrue(result.getFailureReport().toString().contains("elsewhere.Stray"), result.getFailureReport().toString());
    }

    private static JavaClasses fixture(String name) {
        return new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages(FIXTURE + "." + name);
    }
}
