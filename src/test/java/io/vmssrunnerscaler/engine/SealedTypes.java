package io.vmssrunnerscaler.engine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The concrete types of a sealed hierarchy, so that a test can cover each and notice a new one. */
public final class SealedTypes {
    private SealedTypes() {}

    /** Every non-sealed permitted subtype, nested sealed interfaces opened recursively, by name. */
    public static List<Class<?>> leaves(Class<?> sealed) {
        if (!sealed.isSealed()) {
            throw new IllegalArgumentException(sealed.getName() + " is not sealed");
        }
        List<Class<?>> leaves = new ArrayList<>();
        for (Class<?> permitted : sealed.getPermittedSubclasses()) {
            if (permitted.isSealed()) {
                leaves.addAll(leaves(permitted));
            } else {
                leaves.add(permitted);
            }
        }
        leaves.sort(Comparator.comparing(Class::getName));
        return leaves;
    }
}
