package io.vmssrunnerscaler.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.lang.ArchRule;
import java.util.List;

/**
 * The service's layers and the rule between them, for the packages under a root (the product's
 * own, or a test fixture's). Dependencies run one way:
 *
 * <pre>
 * engine  <-  ports (github, scaleset, busy, secrets, time,  <-  adapters (github.rest, scaleset.azure, busy.queue,
 *                   identity)                                          secrets.keyvault, identity.imds, sim)
 *                                                           <-  shell (shell, pool)  <-  http (intake, status, operator)
 * wiring (runtime, config) on top of all; nothing depends on it.
 * </pre>
 */
final class ArchitectureRules {
    static final String ENGINE = "engine";
    static final String PORTS = "ports";
    static final String ADAPTERS = "adapters";
    static final String SHELL = "shell";
    static final String HTTP = "http";
    static final String WIRING = "wiring";

    private ArchitectureRules() {}

    /** The engine is plain Java: it depends on nothing outside itself and the JDK. */
    static ArchRule engineDependsOnNothing(String root) {
        return noClasses().that().resideInAPackage(root + ".engine..")
                .should().dependOnClassesThat().resideOutsideOfPackages(root + ".engine..", "java..")
                .because("the scaling rules are pure: no framework, no port, no I/O");
    }

    /** Each layer reaches only the layers below it; every class is in a layer. */
    static ArchRule layers(String root, boolean everyLayerPresent) {
        return layeredArchitecture().consideringOnlyDependenciesInLayers()
                .withOptionalLayers(!everyLayerPresent)
                .layer(ENGINE).definedBy(root + ".engine..")
                .layer(PORTS).definedBy(root + ".github", root + ".scaleset", root + ".busy", root + ".secrets",
                        root + ".time", root + ".identity")
                .layer(ADAPTERS).definedBy(root + ".github.rest..", root + ".scaleset.azure..", root + ".busy.queue..",
                        root + ".secrets.keyvault..", root + ".identity.imds..", root + ".sim..")
                .layer(SHELL).definedBy(root + ".shell..", root + ".pool..")
                .layer(HTTP).definedBy(root + ".intake..", root + ".status..", root + ".operator..")
                .layer(WIRING).definedBy(root + ".runtime..", root + ".config..")
                .whereLayer(ENGINE).mayNotAccessAnyLayer()
                .whereLayer(PORTS).mayOnlyAccessLayers(ENGINE)
                .whereLayer(ADAPTERS).mayOnlyAccessLayers(ENGINE, PORTS)
                .whereLayer(SHELL).mayOnlyAccessLayers(ENGINE, PORTS)
                .whereLayer(HTTP).mayOnlyAccessLayers(SHELL, ENGINE, PORTS)
                .whereLayer(WIRING).mayNotBeAccessedByAnyLayer()
                .ensureAllClassesAreContainedInArchitecture();
    }

    /** No two packages depend on each other, directly or around a loop. */
    static ArchRule noPackageCycles(String root) {
        return slices().matching(root + ".(**)").should().beFreeOfCycles();
    }

    static List<ArchRule> all(String root, boolean everyLayerPresent) {
        return List.of(engineDependsOnNothing(root), layers(root, everyLayerPresent), noPackageCycles(root));
    }
}
