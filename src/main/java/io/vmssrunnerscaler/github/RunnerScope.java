package io.vmssrunnerscaler.github;

import java.util.Locale;

/** Where runners register at GitHub: a repository or an organisation. */
public record RunnerScope(String owner, String repository) {

    /** Parses {@code owner/name} (repository) or {@code org} (organisation). */
    public static RunnerScope parse(String scope) {
        String s = scope.trim();
        int slash = s.indexOf('/');
        if (s.isEmpty() || slash == 0 || slash == s.length() - 1 || s.indexOf('/', slash + 1) >= 0) {
            throw new IllegalArgumentException("expected owner/name or an organisation, got '" + scope + "'");
        }
        return slash < 0 ? new RunnerScope(s, null) : new RunnerScope(s.substring(0, slash), s.substring(slash + 1));
    }

    public boolean isOrganisation() {
        return repository == null;
    }

    /** Whether a delivery from this repository (and organisation, may be null) belongs to this scope. */
    public boolean covers(String repositoryFullName, String organisation) {
        if (isOrganisation()) {
            String org = organisation != null ? organisation
                    : repositoryFullName == null ? null : repositoryFullName.split("/", 2)[0];
            return owner.equalsIgnoreCase(org);
        }
        return toString().toLowerCase(Locale.ROOT).equals(
                repositoryFullName == null ? null : repositoryFullName.toLowerCase(Locale.ROOT));
    }

    @Override
    public String toString() {
        return isOrganisation() ? owner : owner + "/" + repository;
    }
}
