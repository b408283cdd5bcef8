package io.vmssrunnerscaler.config;

import io.quarkus.runtime.configuration.ConfigurationException;
import java.util.List;

/**
 * Start-up stops with this: every invalid key, each with its environment variable and the problem.
 * A Quarkus {@link ConfigurationException}, so that a failed start prints this message alone, without
 * a stack trace, and exits 1.
 */
public final class InvalidConfigurationException extends ConfigurationException {
    private final List<String> problems;

    public InvalidConfigurationException(List<String> problems) {
        super(message(problems));
        this.problems = List.copyOf(problems);
    }

    private static String message(List<String> problems) {
        return "Invalid configuration (" + problems.size() + (problems.size() == 1 ? " problem" : " problems")
                + "); the scaler did not start:\n  - " + String.join("\n  - ", problems)
                + "\nSet each as the environment variable shown or as -D<key>=<value>; README.md, \"Configuration reference\","
                + " describes every key. To try the scaler without Azure: -Dquarkus.profile=demo.";
    }

    public List<String> problems() {
        return problems;
    }
}
