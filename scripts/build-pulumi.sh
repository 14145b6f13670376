#!/usr/bin/env bash
# Builds the Pulumi engine's binaries from the Go module proxy (nothing else is
# downloaded): the `pulumi` CLI, and where the proxy serves their modules, the
# Node.js language host `pulumi-language-nodejs` and `pulumi-resource-command`.
#
# Each is built inside a throwaway wrapper module (never in this repository) that
# requires the upstream module at the pinned version and repeats upstream's
# version-pinned `replace` lines (a plain `go install mod@version` refuses a module
# whose go.mod has replaces). The CLI's version is stamped with -ldflags -X, since
# the Automation API parses `pulumi version`. Results are cached, keyed by version,
# in FLEET_CACHE_DIR/pulumi/VERSION/bin (default /var/cache/fleet as root,
# ~/.cache/fleet otherwise), so a second run takes well under a second. Prints
# that bin directory as its last line, on stdout.
#
# Environment: FLEET_PULUMI_VERSION (default 3.276.0, the npm @pulumi/pulumi it
# matches), FLEET_PULUMI_COMMAND_VERSION (default 1.2.1, as @pulumi/command),
# FLEET_CACHE_DIR, and the go command's own (GOPROXY, GOMODCACHE, GOCACHE...).
# Options: --rebuild          ignore the cached binaries.
#          --require-all      fail unless all three binaries are built (by default
#                             one whose module the proxy does not serve is skipped
#                             with a warning, and exit status is 3).
#          --pulumi-home DIR  also register the command plugin in DIR, as
#                             `pulumi plugin install resource command VERSION --file`.
#          --no-build         only look in the cache: print the bin directory if the
#                             binaries are built for this recipe, else exit 4 (for
#                             tests, which must not start a six-minute compile).
# Exit status: 0 all built; 3 the CLI is built but a binary whose module the proxy
# does not serve is not (the Node.js language host is fleet's own instead:
# bin/pulumi-language-nodejs, docs/pulumi-language-host.md); 4 not built
# (--no-build); 1 any other failure.
set -euo pipefail

step() { printf '[pulumi] %s\n' "$*" >&2; }
warn() { printf '[pulumi] WARNING: %s\n' "$*" >&2; }
fail() {
  printf '[pulumi] ERROR: %s\n' "$*" >&2
  exit 1
}

version="${FLEET_PULUMI_VERSION:-3.276.0}"
version="${version#v}"
command_version="${FLEET_PULUMI_COMMAND_VERSION:-1.2.1}"
command_version="${command_version#v}"
rebuild=0
no_build=0
require_all=0
pulumi_home=""
while (($# > 0)); do
  case "$1" in
    --rebuild) rebuild=1 ;;
    --no-build) no_build=1 ;;
    --require-all) require_all=1 ;;
    --pulumi-home)
      (($# > 1)) || fail "--pulumi-home needs a directory"
      pulumi_home="$2"
      shift
      ;;
    --pulumi-home=*) pulumi_home="${1#*=}" ;;
    -h | --help)
      awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"
      exit 0
      ;;
    *) fail "unknown option: $1 (try --help)" ;;
  esac
  shift
done

command -v go >/dev/null 2>&1 || fail "the go command is not installed (Go 1.26 or newer)"

# What the binaries are built from; a change means a rebuild.
recipe="pulumi=$version command=$command_version $(go env GOVERSION GOOS GOARCH | tr '\n' ' ') v1"
key="$(printf '%s' "$recipe" | sha256sum | cut -c1-12)"
if [[ "$(id -u)" == 0 ]]; then
  cache_dir="${FLEET_CACHE_DIR:-/var/cache/fleet}"
else
  cache_dir="${FLEET_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/fleet}"
fi
out="$cache_dir/pulumi/$version"
bin="$out/bin"

pulumi_mod=github.com/pulumi/pulumi/pkg/v3
sdk_mod=github.com/pulumi/pulumi/sdk/v3
nodejs_mod=github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3
command_mod=github.com/pulumi/pulumi-command/provider
version_var=github.com/pulumi/pulumi/sdk/v3/go/common/version.Version

# The module proxy only: no fallback to fetching from upstream's VCS (`direct`).
proxy="$(go env GOPROXY)"
proxy="${proxy%,direct}"
proxy="${proxy%|direct}"
[[ -n "$proxy" && "$proxy" != direct && "$proxy" != off ]] ||
  fail "GOPROXY is '$(go env GOPROXY)': this script needs a Go module proxy"
export GOPROXY="$proxy"
export GOFLAGS="${GOFLAGS:+$GOFLAGS }-mod=mod"
export GOTOOLCHAIN="${GOTOOLCHAIN:-local}"
export CGO_ENABLED=0

register_plugin() {
  [[ -n "$pulumi_home" ]] || return 0
  if [[ ! -x "$bin/pulumi-resource-command" ]]; then
    warn "no pulumi-resource-command to register in $pulumi_home"
    return 0
  fi
  step "register: resource command $command_version in PULUMI_HOME=$pulumi_home"
  mkdir -p "$pulumi_home"
  PULUMI_HOME="$pulumi_home" PULUMI_SKIP_UPDATE_CHECK=1 \
    "$bin/pulumi" plugin install resource command "$command_version" \
    --file "$bin/pulumi-resource-command" >&2 ||
    fail "pulumi plugin install resource command $command_version failed"
}

finish() {
  local missing=()
  [[ -x "$bin/pulumi-language-nodejs" ]] || missing+=(pulumi-language-nodejs)
  [[ -x "$bin/pulumi-resource-command" ]] || missing+=(pulumi-resource-command)
  register_plugin
  printf '%s\n' "$bin"
  if ((${#missing[@]} > 0)); then
    warn "not built: ${missing[*]} (see $out/missing.txt)"
    ((require_all == 0)) || exit 1
    exit 3
  fi
  exit 0
}

if ((rebuild == 0)) && [[ -x "$bin/pulumi" ]] && [[ "$(cat "$out/recipe" 2>/dev/null)" == "$key" ]]; then
  step "reuse: $bin (key $key): $(cd "$bin" && printf '%s ' *)"
  finish
fi
if ((no_build)); then
  printf '[pulumi] not built: no binaries in %s for this recipe (%s); run: bash %s\n' \
    "$bin" "$recipe" "${BASH_SOURCE[0]}" >&2
  exit 4
fi

# Prints the module's go.mod replaces that pin a module version, as go mod edit
# arguments. Directory replaces (upstream's monorepo links, such as `=> ../sdk`)
# mean nothing outside upstream's checkout and are left out.
pinned_replaces() {
  local gomod="$1"
  # shellcheck disable=SC2016 # JavaScript template literals, not shell
  go mod edit -json "$gomod" | node -e '
    let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
      for (const r of JSON.parse(s).Replace ?? []) {
        if (!r.New.Version) continue;
        const from = r.Old.Version ? `${r.Old.Path}@${r.Old.Version}` : r.Old.Path;
        console.log(`-replace=${from}=${r.New.Path}@${r.New.Version}`);
      }
    });'
}

# Downloads MODULE@VERSION's go.mod (or fails with the proxy's answer in $work/why).
mod_file() {
  local spec="$1" json
  # Outside a module: no -mod flag there. On failure the JSON's Error says why.
  json="$(GOFLAGS='' go mod download -json "$spec" 2>"$work/why")" || true
  printf '%s' "$json" | node -e '
    let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
      let j = {}; try { j = JSON.parse(s); } catch {}
      if (j.Error || !j.GoMod) { console.error(j.Error ?? "no go.mod downloaded"); process.exit(1); }
      console.log(j.GoMod);
    });' 2>>"$work/why"
}

# build NAME MODULE VERSION PACKAGE LDFLAGS [MODULE@VERSION...]: NAME into $staging
# via a wrapper module; the extra requirements stand for upstream's directory replaces.
build() {
  local name="$1" mod="$2" ver="$3" pkg="$4" ldflags="$5" gomod wrapper started=$SECONDS
  shift 5
  local -a extra=()
  local req
  for req in "$@"; do extra+=("-require=$req"); done
  wrapper="$work/$name"
  mkdir -p "$wrapper"
  if ! gomod="$(cd "$wrapper" && mod_file "$mod@v$ver")"; then
    printf '%s@v%s: %s\n' "$mod" "$ver" "$(tail -n 3 "$work/why" | tr '\n' ' ')" >>"$staging/missing.txt"
    warn "$name: the Go module proxy does not serve $mod@v$ver"
    sed 's/^/  /' "$work/why" | tail -n 3 >&2
    return 1
  fi
  local go_line
  go_line="$(go mod edit -json "$gomod" | node -e '
    let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => console.log(JSON.parse(s).Go ?? ""));')"
  local -a replaces
  mapfile -t replaces < <(pinned_replaces "$gomod")
  (
    cd "$wrapper"
    printf 'module fleet.invalid/build-%s\n' "$name" >go.mod
    [[ -z "$go_line" ]] || go mod edit -go="$go_line"
    go mod edit -require="$mod@v$ver" "${extra[@]}" "${replaces[@]}"
    cp go.mod "$staging/$name.go.mod"
    step "$name: $mod@v$ver${replaces[*]:+, replaces: ${replaces[*]}}"
    # -mod=mod resolves the rest of the graph from upstream's own requirements.
    go build -trimpath -ldflags "-s -w $ldflags" -o "$staging/bin/$name" "$pkg"
  ) >&2 || fail "$name: go build failed (wrapper module: $wrapper)"
  step "$name: built in $((SECONDS - started)) s ($(du -h "$staging/bin/$name" | cut -f1))"
}

mkdir -p "$cache_dir/pulumi"
work="$(mktemp -d "${TMPDIR:-/tmp}/fleet-pulumi-build.XXXXXX")"
staging="$cache_dir/pulumi/.staging-$version-$$"
trap 'rm -rf "$work" "$staging"' EXIT
mkdir -p "$staging/bin"
: >"$staging/missing.txt"
started=$SECONDS
step "build: pulumi $version, pulumi-command $command_version ($(go env GOVERSION), GOPROXY=$(go env GOPROXY))"

build pulumi "$pulumi_mod" "$version" "$pulumi_mod/cmd/pulumi" "-X $version_var=v$version" ||
  fail "the pulumi CLI cannot be built from the Go module proxy at v$version"
# The language host's own module; the sdk at the CLI's version as upstream's
# monorepo replace (=> ../../..) means.
build pulumi-language-nodejs "$nodejs_mod" "$version" "$nodejs_mod" "-X $version_var=v$version" \
  "$pulumi_mod@v$version" "$sdk_mod@v$version" || true
build pulumi-resource-command "$command_mod" "$command_version" "$command_mod/cmd/pulumi-resource-command" \
  "-X github.com/pulumi/pulumi-command/provider/pkg/version.Version=v$command_version" || true

stamped="$(PULUMI_HOME="$work/pulumi-home" PULUMI_SKIP_UPDATE_CHECK=1 "$staging/bin/pulumi" version)"
[[ "$stamped" == "v$version" ]] || fail "pulumi version says '$stamped', expected v$version"

printf '%s\n' "$key" >"$staging/recipe"
printf '%s\n' "$recipe" >"$staging/recipe.txt"
rm -rf "$out"
mv "$staging" "$out"
step "cache: $bin ($(du -sh "$bin" | cut -f1), $((SECONDS - started)) s)"
finish
