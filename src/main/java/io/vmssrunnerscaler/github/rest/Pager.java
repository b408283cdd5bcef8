package io.vmssrunnerscaler.github.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Follows GitHub's {@code Link: <...page=N>; rel="next"} through a listing, page after page. */
final class Pager {
    /** A guard against a server that never stops; 1,000 pages of 100 are far beyond any pool. */
    static final int MAX_PAGES = 1000;
    private static final Pattern LINK = Pattern.compile("<([^>]*)>\\s*;[^,]*?rel=\"?([^\",;]+)\"?");
    private static final Pattern PAGE = Pattern.compile("[?&]page=(\\d+)");

    private Pager() {}

    /**
     * All elements of the array {@code field} over all pages.
     *
     * @param page the request for page N, waiting for its {@code Authorization}
     */
    static Uni<List<JsonNode>> all(GitHubCaller caller, String call, IntFunction<Function<String, Uni<Response>>> page,
            String field) {
        return from(caller, call, page, field, 1, new ArrayList<>());
    }

    private static Uni<List<JsonNode>> from(GitHubCaller caller, String call,
            IntFunction<Function<String, Uni<Response>>> page, String field, int n, List<JsonNode> collected) {
        return caller.call(call + " (page " + n + ")", page.apply(n)).chain(response -> {
            GitHubJson.body(response).path(field).forEach(collected::add);
            OptionalInt next = nextPage(response.getHeaderString("Link"));
            if (next.isEmpty()) {
                return Uni.createFrom().item(List.copyOf(collected));
            }
            if (next.getAsInt() <= n || n >= MAX_PAGES) {
                return Uni.createFrom().failure(new IllegalStateException(call + ": paging does not advance at page " + n));
            }
            return from(caller, call, page, field, next.getAsInt(), collected);
        });
    }

    /** The page number of the {@code rel="next"} link; empty on the last page. */
    static OptionalInt nextPage(String linkHeader) {
        if (linkHeader == null) {
            return OptionalInt.empty();
        }
        Matcher link = LINK.matcher(linkHeader);
        while (link.find()) {
            if ("next".equals(link.group(2))) {
                Matcher page = PAGE.matcher(link.group(1));
                if (!page.find()) {
                    throw new IllegalStateException("a next link without a page number");
                }
                return OptionalInt.of(Integer.parseInt(page.group(1)));
            }
        }
        return OptionalInt.empty();
    }
}
