package io.vmssrunnerscaler.github.rest;

import io.smallrye.mutiny.Uni;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Holds one fetched value while it is usable, and shares one fetch among concurrent callers, so
 * that a burst of calls at expiry asks GitHub (or the secret store) once. A failed fetch is not
 * kept: the next caller tries again.
 */
final class TokenCache<T> {
    private final Supplier<Uni<T>> fetch;
    private final Predicate<T> usable;
    private T value;
    private Uni<T> pending;

    TokenCache(Supplier<Uni<T>> fetch, Predicate<T> usable) {
        this.fetch = fetch;
        this.usable = usable;
    }

    Uni<T> get() {
        return Uni.createFrom().deferred(this::current);
    }

    synchronized void invalidate() {
        value = null;
        pending = null;
    }

    private synchronized Uni<T> current() {
        if (value != null && usable.test(value)) {
            return Uni.createFrom().item(value);
        }
        if (pending == null) {
            Uni<T>[] self = newHolder();
            self[0] = Uni.createFrom().deferred(fetch::get)
                    .onItemOrFailure().invoke((item, failure) -> settle(self[0], item))
                    .memoize().indefinitely();
            pending = self[0];
        }
        return pending;
    }

    /** Only the fetch still pending may settle: an invalidated one's late answer is dropped. */
    private synchronized void settle(Uni<T> fetched, T item) {
        if (pending == fetched) {
            pending = null;
            value = item;
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> Uni<T>[] newHolder() {
        return new Uni[1];
    }
}
