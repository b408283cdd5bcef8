package io.vmssrunnerscaler.github.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.core.Response;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Follows GitHub's {@code Link: <...page=N>; rel="next"} through a listing, page after page; also
 * reads the {@code cursor=} of cursor-paged listings (see {@code HookDeliveries}).
 */
final class Pager {
    /** A guard against a server that never stops; 1,000 pages of 100 are far beyond any pool. */
    static final int MAX_PAGES = 1000;
    private static final Pattern LINK = Pattern.compile("<([^>]*)>\\s*;[^,]*?rel=\"?([^\",;]+)\"?");
    private static final Pattern PAGE = Pattern.compile("[?&]page=(\\d+)");
    private static final Pattern CURSOR = Pattern.compile("[?&]cursor=([^&]*)");

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
        Optional<String> next = nextLink(linkHeader);
        if (next.isEmpty()) {
            return OptionalInt.empty();
        }
        Matcher page = PAGE.matcher(next.get());
        if (!page.find()) {
            throw new IllegalStateException("a next link without a page number");
        }
        return OptionalInt.of(Integer.parseInt(page.group(1)));
    }

    /**
     * The {@code cursor} of the {@code rel="next"} link (cursor-paged listings such as a webhook's
     * deliveries), URL-decoded; empty on the last page.
     */
    static Optional<String> nextCursor(String linkHeader) {
        Optional<String> next = nextLink(linkHeader);
        if (next.isEmpty()) {
            return Optional.empty();
        }
        Matcher cursor = CURSOR.matcher(next.get());
        if (!cursor.find() || cursor.group(1).isEmpty()) {
            throw new IllegalStateException("a next link without a cursor");
        }
        return Optional.of(URLDecoder.decode(cursor.group(1), StandardCharsets.UTF_8));
    }

    /** The URL of the {@code rel="next"} link of a {@code Link} header. */
    private static Optional<String> nextLink(String linkHeader) {
        if (linkHeader == null) {
            return Optional.empty();
        }
        Matcher link = LINK.matcher(linkHeader);
        while (link.find()) {
            if ("next".equals(link.group(2))) {
                return Optional.of(link.group(1));
            }
        }
        return Optional.empty();
    }
}
