#!/bin/sh
# Which scaler build a deployment installs (scalerArtifactUrl, scalerArtifactSha256), for deploy.sh
# and the azd hook. The build comes from a release of the fork holding the scaler's releases, which
# has nothing to do with where the runners register (GITHUB_SCOPE may be an organisation).
#
#   scaler-artifact.sh url      prints the URL
#   scaler-artifact.sh sha256   prints its SHA-256
#
# Environment:
#   SCALER_ARTIFACT_URL     the build's URL; when set, the next three are not used
#   SCALER_RELEASE_REPO     owner/repo whose release holds the build; default: GITHUB_REPOSITORY (set
#                           in GitHub Actions), else the repository of the git remote "origin"
#   SCALER_VERSION          the release's tag, e.g. v0.1.0; default: latest (the newest release)
#   SCALER_BUILD            native (the binary, default) or jvm (target/quarkus-app as .tar.gz)
#   SCALER_ARTIFACT_SHA256  the SHA-256; default: the first word of the .sha256 file beside the URL
#                           (every release asset has one); a URL with a query (a SAS URL) has no
#                           such file, so there it stays empty and the download is not checked
set -eu

fail() { echo "scaler-artifact.sh: $*" >&2; exit 1; }

release_repo() {
  repo=${SCALER_RELEASE_REPO:-${GITHUB_REPOSITORY:-}}
  if [ -z "$repo" ]; then
    # the fork the release was tagged in: git@github.com:owner/repo.git or https://github.com/owner/repo
    remote=$(git -C "$(dirname "$0")" config --get remote.origin.url 2>/dev/null || true)
    case $remote in
      *github.com[:/]*) repo=${remote#*github.com[:/]}; repo=${repo%.git} ;;
    esac
  fi
  case $repo in
    */*/* | /* | */ | '') fail "set SCALER_RELEASE_REPO to owner/repo of the fork whose releases hold the scaler (not an organisation)" ;;
    */*) echo "$repo" ;;
    *) fail "SCALER_RELEASE_REPO is '$repo': give owner/repo of the fork whose releases hold the scaler, not an organisation" ;;
  esac
}

url() {
  if [ -n "${SCALER_ARTIFACT_URL:-}" ]; then
    echo "$SCALER_ARTIFACT_URL"
    return
  fi
  case ${SCALER_BUILD:-native} in
    native) asset=vmss-runner-scaler-linux-x64 ;;
    jvm) asset=vmss-runner-scaler-jvm.tar.gz ;;
    *) fail "SCALER_BUILD is '${SCALER_BUILD}': native or jvm" ;;
  esac
  repo=$(release_repo)
  version=${SCALER_VERSION:-latest}
  if [ "$version" = latest ]; then
    echo "https://github.com/$repo/releases/latest/download/$asset"
  else
    echo "https://github.com/$repo/releases/download/$version/$asset"
  fi
}

sha256() {
  if [ -n "${SCALER_ARTIFACT_SHA256:-}" ]; then
    echo "$SCALER_ARTIFACT_SHA256"
    return
  fi
  artifact=$(url)
  case $artifact in
    *\?*) echo "scaler-artifact.sh: no SCALER_ARTIFACT_SHA256 for a URL with a query: the download is not checked" >&2
          return ;;
  esac
  sum=$(curl -fsSL --retry 3 "$artifact.sha256") || fail "cannot fetch $artifact.sha256 (set SCALER_ARTIFACT_SHA256)"
  sum=${sum%%[[:space:]]*}
  case $sum in
    *[!0-9a-f]*) fail "$artifact.sha256 holds no SHA-256" ;;
  esac
  [ ${#sum} -eq 64 ] || fail "$artifact.sha256 holds no SHA-256"
  echo "$sum"
}

case ${1:-} in
  url) url ;;
  sha256) sha256 ;;
  *) echo "usage: scaler-artifact.sh url|sha256" >&2; exit 2 ;;
esac
