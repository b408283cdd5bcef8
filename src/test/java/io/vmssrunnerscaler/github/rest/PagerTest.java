package io.vmssrunnerscaler.github.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class PagerTest {

    @Test
    void readsTheNextPageFromGitHubsLinkHeader() {
        String link = "<https://api.github.com/repositories/1300192/actions/runners?per_page=100&page=2>; rel=\"next\", "
                + "<https://api.github.com/repositories/1300192/actions/runners?per_page=100&page=5>; rel=\"last\"";
        assertEquals(OptionalInt.of(2), Pager.nextPage(link));
    }

    @Test
    void findsNextAfterPrevAndFirst() {
        String link = "<https://h/x?page=2&per_page=2>; rel=\"prev\", <https://h/x?per_page=2&page=4>; rel=\"next\", "
                + "<https://h/x?per_page=2&page=9>; rel=\"last\", <https://h/x?per_page=2&page=1>; rel=\"first\"";
        assertEquals(OptionalInt.of(4), Pager.nextPage(link));
    }

    @Test
    void theLastPageHasNoNext() {
        assertEquals(OptionalInt.empty(), Pager.nextPage(null));
        assertEquals(OptionalInt.empty(), Pager.nextPage("<https://h/x?per_page=2&page=1>; rel=\"first\""));
    }

    @Test
    void aNextLinkWithoutAPageNumberIsAnError() {
        // A cursor (after=...) instead of page numbers: silently stopping would lose runners.
        assertThrows(IllegalStateException.class, () -> Pager.nextPage("<https://h/x?after=abc>; rel=\"next\""));
    }

    @Test
    void readsTheCursorOfACursorPagedListing() {
        String link = "<https://api.github.com/repositories/1296269/hooks/42/deliveries?per_page=100&cursor=v1_12077215967>; "
                + "rel=\"next\"";
        assertEquals(Optional.of("v1_12077215967"), Pager.nextCursor(link));
        assertEquals(Optional.of("a b"), Pager.nextCursor("<https://h/x?cursor=a%20b&per_page=2>; rel=\"next\""));
        assertEquals(Optional.empty(), Pager.nextCursor(null));
        assertEquals(Optional.empty(), Pager.nextCursor("<https://h/x?cursor=v1_9>; rel=\"prev\""));
        assertThrows(IllegalStateException.class, () -> Pager.nextCursor("<https://h/x?page=2>; rel=\"next\""));
    }
}
