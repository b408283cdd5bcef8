package io.vmssrunnerscaler.secrets;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/** Checks that no secret value shows in a failure: message, toString, causes, suppressed. */
public final class Leaks {
    private Leaks() {
    }

    public static void assertNoValueIn(Throwable failure, Collection<String> values) {
        Set<Throwable> visited = Collections.newSetFromMap(new IdentityHashMap<>());
        check(failure, values, visited);
    }

    public static void assertNoValueIn(String text, Collection<String> values) {
        for (String value : values) {
            assertFalse(text != null && text.contains(value), () -> "a secret value leaked into: " + text);
        }
    }

    private static void check(Throwable t, Collection<String> values, Set<Throwable> visited) {
        if (t == null || !visited.add(t)) {
            return;
        }
        assertNoValueIn(t.getMessage(), values);
        assertNoValueIn(t.toString(), values);
        check(t.getCause(), values, visited);
        for (Throwable s : t.getSuppressed()) {
            check(s, values, visited);
        }
    }
}
